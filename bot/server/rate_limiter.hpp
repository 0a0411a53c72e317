// Send-rate limits as token buckets: one bucket for the whole platform and
// one per recipient. A send needs a token from both; when one is empty the
// caller is told how long to wait and nothing is taken, so a waiting queue
// never starves the others of the global budget it did not use.
// Time is passed in, never read: the limiter is tested without clocks.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ponte::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    double global_per_s = 30;    // sustained rate over all recipients
    double global_burst = 30;    // tokens the global bucket holds when full
    double recipient_per_s = 1;  // sustained rate to one recipient
    double recipient_burst = 3;  // messages to one recipient that may go at once
  };

  explicit RateLimiter(Limits limits);

  // Zero: a token was taken from both buckets, send now. Otherwise the
  // wait until both have one (nothing taken; ask again then).
  // `per_recipient` false for calls that are not messages to the person
  // (Telegram button acknowledgements, WhatsApp read receipts): they count
  // against the global budget only.
  std::chrono::milliseconds acquire(const std::string& recipient, Clock::time_point now,
                                    bool per_recipient = true);

  std::size_t tracked_recipients() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at{};
  };
  static void refill(Bucket& b, double rate, double burst, Clock::time_point now);
  static std::chrono::milliseconds wait_for_one(const Bucket& b, double rate);
  void forget_full(Clock::time_point now);

  const Limits limits_;
  mutable std::mutex mutex_;
  bool started_ = false;
  Bucket global_;
  std::size_t forget_above_;  // sweep full buckets when the map grows past this
  std::unordered_map<std::string, Bucket> recipients_;
};

}  // namespace ponte::server
