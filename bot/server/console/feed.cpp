// The console's live feed: Server-Sent Events saying "something changed"
// (a message arrived, a case was opened, claimed, noted...). The page then
// re-reads what it shows, so the feed never carries personal data and a
// missed event costs nothing: the next one, or the reconnect, catches up.
// Wake-ups come through the web chat hub under kFeedTopic; a comment line
// every 15 s keeps proxies from closing a quiet stream. The stream ends
// when the login expires.
#include "bot/core/log.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

namespace ponte::server::console {

namespace {

constexpr auto kHeartbeat = std::chrono::seconds(15);

net::awaitable<bool> write_text(beast::tcp_stream& stream, const std::string& text,
                                std::chrono::milliseconds timeout) {
  stream.expires_after(timeout);
  auto [ec, n] = co_await net::async_write(stream, net::buffer(text), use_nothrow);
  co_return !ec;
}

net::awaitable<void> stream_feed(Services& svc, std::int64_t expires_at,
                                 beast::tcp_stream& stream) {
  const auto timeout = std::chrono::milliseconds(svc.config.http.write_timeout_ms);
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
      "retry: 1000\n\n";
  if (!co_await write_text(stream, head, timeout)) co_return;
  auto ex = co_await net::this_coro::executor;
  const std::string topic(kFeedTopic);
  auto waiter = svc.hub.subscribe(topic, ex);
  std::uint64_t seq = 0;
  // The first event makes the page read everything once the stream is up.
  waiter->notified = true;
  for (;;) {
    if (svc.hub.closed() || svc.stopping || now_ms(svc) >= expires_at) break;
    if (waiter->notified.exchange(false)) {
      const auto event = "event: changed\ndata: {\"seq\":" + std::to_string(++seq) + "}\n\n";
      if (!co_await write_text(stream, event, timeout)) break;
      continue;
    }
    waiter->timer.expires_after(kHeartbeat);
    auto [ec] = co_await waiter->timer.async_wait(use_nothrow);
    if (!ec && !co_await write_text(stream, ": ping\n\n", timeout)) break;
  }
  svc.hub.unsubscribe(topic, waiter);
}

}  // namespace

net::awaitable<Reply> handle_feed(Services& svc, RequestContext& ctx) {
  auto access = authorize(
      svc, ctx, {storage::Role::operator_, storage::Role::supervisor, storage::Role::admin});
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  Reply reply;
  reply.takeover = [&svc, expires = access.caller->session.expires_at](beast::tcp_stream& s) {
    return stream_feed(svc, expires, s);
  };
  co_return reply;
}

}  // namespace ponte::server::console
