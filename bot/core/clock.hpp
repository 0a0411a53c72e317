// Time as Ponte sees it: UTC system time, stored as unix milliseconds.
// Pure code (the engine) never reads a clock; it is handed `now`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ponte {

using TimePoint = std::chrono::system_clock::time_point;

constexpr std::int64_t to_unix_ms(TimePoint t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
constexpr TimePoint from_unix_ms(std::int64_t ms) noexcept {
  return TimePoint(std::chrono::milliseconds(ms));
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(to_unix_ms(start)) {}
  TimePoint now() const override { return from_unix_ms(ms_.load()); }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace ponte
