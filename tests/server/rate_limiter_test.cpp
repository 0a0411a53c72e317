// Token buckets with a time passed in: what is checked is how many sends
// each moment allows, never how long anything took.
#include "bot/server/rate_limiter.hpp"
#include "bot/server/services.hpp"

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

// Telegram's defaults: 30/s overall, 1/s per chat with a burst of 3.
RateLimiter::Limits telegram() { return {30, 30, 1, 3}; }

int sends_now(RateLimiter& limiter, const std::string& to, Clock::time_point at, int tries) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += limiter.acquire(to, at) == 0ms;
  return n;
}

TEST(RateLimiter, OneChatGetsItsBurstThenOnePerSecond) {
  RateLimiter limiter(telegram());
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_EQ(sends_now(limiter, "chat", t0, 10), 3);
  const auto wait = limiter.acquire("chat", t0);
  EXPECT_GT(wait, 0ms);
  EXPECT_LE(wait, 1001ms);
  EXPECT_EQ(sends_now(limiter, "chat", t0 + 999ms, 1), 0);
  EXPECT_EQ(sends_now(limiter, "chat", t0 + 1s, 5), 1);
  EXPECT_EQ(sends_now(limiter, "chat", t0 + 3s, 5), 2);
}

TEST(RateLimiter, TheGlobalBudgetCapsManyChats) {
  RateLimiter limiter(telegram());
  const auto t0 = Clock::time_point{} + 1h;
  int sent = 0;
  for (int chat = 0; chat < 100; ++chat) sent += sends_now(limiter, std::to_string(chat), t0, 1);
  EXPECT_EQ(sent, 30);
  // A chat that has sent nothing still waits for the global bucket.
  EXPECT_GT(limiter.acquire("fresh", t0), 0ms);
  sent = 0;
  for (int chat = 100; chat < 200; ++chat) {
    sent += sends_now(limiter, std::to_string(chat), t0 + 500ms, 1);
  }
  EXPECT_EQ(sent, 15);  // half a second refills half the global budget
}

TEST(RateLimiter, AWaitingSendTakesNothing) {
  RateLimiter limiter({10, 1, 10, 10});  // global burst 1
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_EQ(limiter.acquire("a", t0), 0ms);
  // "a" is refused by the global bucket; its own bucket keeps its tokens.
  EXPECT_GT(limiter.acquire("a", t0), 0ms);
  EXPECT_EQ(limiter.acquire("a", t0 + 100ms), 0ms);
}

TEST(RateLimiter, ReceiptsCountOnlyAgainstTheGlobalBudget) {
  RateLimiter limiter(telegram());
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_EQ(sends_now(limiter, "chat", t0, 3), 3);
  // The person's chat is out of tokens, a button acknowledgement still goes.
  EXPECT_EQ(limiter.acquire("chat", t0, false), 0ms);
}

TEST(RateLimiter, WhatsAppPairRateIsTenAMinute) {
  RateLimiter limiter({80, 80, 10 / 60.0, 5});
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_EQ(sends_now(limiter, "+39333", t0, 10), 5);
  EXPECT_EQ(sends_now(limiter, "+39333", t0 + 5s, 1), 0);
  EXPECT_EQ(sends_now(limiter, "+39333", t0 + 6s, 1), 1);
}

TEST(RateLimiter, InboundLimitLetsABurstThroughThenOneASecondPerPerson) {
  RateLimiter limiter(inbound_limits(InboundConfig{60, 20}));
  const auto t0 = Clock::time_point{} + 1h;
  // A flood of 500 at once: the burst gets a turn, the rest do not...
  EXPECT_EQ(sends_now(limiter, "telegram:1", t0, 500), 20);
  // ...and nobody else is held back by it: the global bucket never runs dry.
  for (int person = 2; person < 200; ++person) {
    EXPECT_EQ(sends_now(limiter, "telegram:" + std::to_string(person), t0, 3), 3);
  }
  EXPECT_EQ(sends_now(limiter, "telegram:1", t0 + 1s, 10), 1);
}

TEST(RateLimiter, ManyBusyRecipientsStayBoundedAndAreForgottenLater) {
  RateLimiter limiter(inbound_limits(InboundConfig{60, 20}));
  auto t = Clock::time_point{} + 1h;
  // 10,000 recipients all busy at once: none may be forgotten yet.
  for (int i = 0; i < 10'000; ++i) limiter.acquire(std::to_string(i), t);
  EXPECT_EQ(limiter.tracked_recipients(), 10'000u);
  // A minute later they are all idle; new ones arriving make the old go.
  t += 60s;
  for (int i = 0; i < 20'000; ++i) limiter.acquire("new" + std::to_string(i), t);
  EXPECT_LE(limiter.tracked_recipients(), 2u * 20'000);
  EXPECT_GE(limiter.tracked_recipients(), 20'000u);
}

TEST(RateLimiter, IdleRecipientsAreForgotten) {
  RateLimiter limiter(telegram());
  auto t = Clock::time_point{} + 1h;
  for (int i = 0; i < 5000; ++i) {
    t += 40ms;  // under the global rate
    ASSERT_EQ(limiter.acquire(std::to_string(i), t), 0ms);
  }
  EXPECT_LE(limiter.tracked_recipients(), 4097u);
}

}  // namespace
}  // namespace ponte::server
