// What both platform fakes share: calls are recorded under `mutex`, which
// bumps `generation` and notifies `changed`; tests wait for a predicate.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace ponte::testing {

// Wakes on the next recorded call; the 20 ms cap covers predicates that
// depend on something other than the fake (a process exiting, a file).
inline bool wait_for_calls(std::mutex& mutex, std::condition_variable& changed,
                           const std::uint64_t& generation, const std::function<bool()>& pred,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex);
      seen = generation;
    }
    if (pred()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::unique_lock lock(mutex);
    changed.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(20)),
                       [&] { return generation != seen; });
  }
}

}  // namespace ponte::testing
