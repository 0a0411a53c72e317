#include "bot/server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace ponte::server {
namespace {
// Past this many tracked recipients, buckets that are full again (their
// recipient idle for burst/rate seconds) are dropped: a full bucket and a
// missing one mean the same. The next sweep waits until the map has doubled
// again, so with thousands of busy recipients a sweep is not paid on every
// call (amortised O(1)); the map stays within twice the busy recipients.
constexpr std::size_t kForgetAbove = 4096;
// Rates like 10/60 per second do not add up exactly in binary: a bucket
// this close to a whole token has it.
constexpr double kEpsilon = 1e-9;
}  // namespace

RateLimiter::RateLimiter(Limits limits) : limits_(limits), forget_above_(kForgetAbove) {}

void RateLimiter::refill(Bucket& b, double rate, double burst, Clock::time_point now) {
  if (now > b.at) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.at = now;
  }
}

std::chrono::milliseconds RateLimiter::wait_for_one(const Bucket& b, double rate) {
  if (b.tokens >= 1.0 - kEpsilon) return std::chrono::milliseconds(0);
  const double seconds = (1.0 - b.tokens) / rate;
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(seconds * 1000 + 0.5)));
}

void RateLimiter::forget_full(Clock::time_point now) {
  for (auto it = recipients_.begin(); it != recipients_.end();) {
    refill(it->second, limits_.recipient_per_s, limits_.recipient_burst, now);
    const bool full = it->second.tokens >= limits_.recipient_burst - kEpsilon;
    it = full ? recipients_.erase(it) : std::next(it);
  }
}

std::chrono::milliseconds RateLimiter::acquire(const std::string& recipient, Clock::time_point now,
                                               bool per_recipient) {
  std::lock_guard lock(mutex_);
  if (!started_) {
    global_ = {limits_.global_burst, now};
    started_ = true;
  }
  refill(global_, limits_.global_per_s, limits_.global_burst, now);
  Bucket* own = nullptr;
  if (per_recipient) {
    if (recipients_.size() > forget_above_) {
      forget_full(now);
      forget_above_ = std::max(kForgetAbove, 2 * recipients_.size());
    }
    auto [it, inserted] = recipients_.try_emplace(recipient, Bucket{limits_.recipient_burst, now});
    own = &it->second;
    refill(*own, limits_.recipient_per_s, limits_.recipient_burst, now);
  }
  auto wait = wait_for_one(global_, limits_.global_per_s);
  if (own) wait = std::max(wait, wait_for_one(*own, limits_.recipient_per_s));
  if (wait.count() > 0) return wait;
  global_.tokens = std::max(0.0, global_.tokens - 1.0);
  if (own) own->tokens = std::max(0.0, own->tokens - 1.0);
  return std::chrono::milliseconds(0);
}

std::size_t RateLimiter::tracked_recipients() const {
  std::lock_guard lock(mutex_);
  return recipients_.size();
}

}  // namespace ponte::server
