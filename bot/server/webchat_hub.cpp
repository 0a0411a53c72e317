#include "bot/server/webchat_hub.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace ponte::server {

std::shared_ptr<WebchatHub::Waiter> WebchatHub::subscribe(const std::string& client,
                                                          boost::asio::any_io_executor ex) {
  auto w = std::make_shared<Waiter>(std::move(ex));
  std::lock_guard lock(mutex_);
  auto& list = waiters_[client];
  std::erase_if(list, [](const auto& weak) { return weak.expired(); });
  list.push_back(w);
  return w;
}

void WebchatHub::unsubscribe(const std::string& client, const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(client);
  if (it == waiters_.end()) return;
  std::erase_if(it->second, [&](const auto& weak) {
    auto w = weak.lock();
    return !w || w == waiter;
  });
  if (it->second.empty()) waiters_.erase(it);
}

void WebchatHub::wake(const std::shared_ptr<Waiter>& w) {
  w->notified = true;
  boost::asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

void WebchatHub::notify(const std::string& client) {
  std::vector<std::shared_ptr<Waiter>> wake_up;
  {
    std::lock_guard lock(mutex_);
    auto it = waiters_.find(client);
    if (it == waiters_.end()) return;
    for (auto& weak : it->second) {
      if (auto w = weak.lock()) wake_up.push_back(std::move(w));
    }
  }
  for (auto& w : wake_up) wake(w);
}

void WebchatHub::close() {
  closed_ = true;
  std::vector<std::shared_ptr<Waiter>> wake_up;
  {
    std::lock_guard lock(mutex_);
    for (auto& [client, list] : waiters_) {
      for (auto& weak : list) {
        if (auto w = weak.lock()) wake_up.push_back(std::move(w));
      }
    }
  }
  for (auto& w : wake_up) wake(w);
}

}  // namespace ponte::server
