// Awaiting the group-commit writer from a coroutine. The writer calls `done`
// on its own thread; the completion is posted back to the awaiting
// coroutine's executor, so code after co_await runs where it started.
#pragma once

#include "bot/core/error.hpp"
#include "storage/writer.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include <memory>

namespace ponte::server {

template <class CompletionToken>
auto async_commit(storage::Writer& writer, storage::Writer::Unit unit, CompletionToken&& token) {
  namespace net = boost::asio;
  return net::async_initiate<CompletionToken, void(Result<void>)>(
      [&writer](auto handler, storage::Writer::Unit u) {
        using Handler = std::decay_t<decltype(handler)>;
        // The writer's callback type must be copyable; the handler is not.
        auto h = std::make_shared<Handler>(std::move(handler));
        auto work = std::make_shared<net::executor_work_guard<net::associated_executor_t<Handler>>>(
            net::get_associated_executor(*h));
        writer.submit(std::move(u), [h, work](Result<void> r) {
          auto ex = work->get_executor();
          net::post(ex, [h, work, r = std::move(r)]() mutable {
            auto handler = std::move(*h);
            work->reset();
            std::move(handler)(std::move(r));
          });
        });
      },
      token, std::move(unit));
}

}  // namespace ponte::server
