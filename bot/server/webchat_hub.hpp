// Wakes the web chat streams of a client when its transcript grows. A stream
// registers a Waiter, reads what is new, and waits on it; notify() sets the
// flag and cancels the wait on the waiter's own executor, so a notification
// between "read" and "wait" is never lost.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace ponte::server {

class WebchatHub {
 public:
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}
    boost::asio::steady_timer timer;
    std::atomic<bool> notified{false};
  };

  std::shared_ptr<Waiter> subscribe(const std::string& client, boost::asio::any_io_executor ex);
  void unsubscribe(const std::string& client, const std::shared_ptr<Waiter>& waiter);
  void notify(const std::string& client);
  // Shutdown: wakes every stream and marks the hub closed.
  void close();
  bool closed() const { return closed_; }

 private:
  static void wake(const std::shared_ptr<Waiter>& w);
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<Waiter>>> waiters_;
  std::atomic<bool> closed_{false};
};

}  // namespace ponte::server
