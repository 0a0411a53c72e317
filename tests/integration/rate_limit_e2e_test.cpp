// Send rates against the real ponte (issue 4): a person who writes five
// times at once gets five answers, no faster than Telegram's per-chat limit
// allows (burst 3, then 1 a second). Only a lower bound on the spacing is
// checked: a slow machine can only spread the sends further.
#include "tests/integration/ponte_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;

TEST(RateLimitE2E, OneChatGetsItsBurstThenOneMessageASecond) {
  PonteFixture ponte(
      nlohmann::json{{"outbox", {{"telegram_chat_per_min", 60}, {"telegram_chat_burst", 3}}}});
  ponte.start();
  const std::int64_t chat = 5550009001;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "menu")).status, 200);
  }
  ASSERT_TRUE(ponte.wait_texts(chat, 5, 20s)) << ponte.log();
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& call : ponte.telegram().delivered("sendMessage")) {
    if (call.chat_id == chat) at.push_back(call.arrived);
  }
  ASSERT_GE(at.size(), 5u);
  std::sort(at.begin(), at.end());
  // Any 4 consecutive messages span at least ~1 s (3 from the burst, the
  // 4th waits for a token); the 5th comes ~2 s after the first.
  for (std::size_t i = 0; i + 3 < at.size(); ++i) {
    EXPECT_GE(at[i + 3] - at[i], 900ms) << "messages " << i << ".." << i + 3;
  }
  EXPECT_GE(at[4] - at[0], 1800ms);
  // A different chat is not held back by the first one's budget.
  const std::int64_t other = 5550009002;
  ASSERT_EQ(ponte.post_update(ponte.text_update(other, "menu")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(other, 1, 5s));
}

}  // namespace
}  // namespace ponte::testing
