// The web chat: the page posts what the person typed or pressed, and reads
// the transcript as Server-Sent Events. The stream resumes from a cursor (the
// last message id, from ?after= or the Last-Event-ID header EventSource sends
// on reconnect), so a dropped mobile connection loses and repeats nothing.
#include "bot/channels/webchat/webchat.hpp"
#include "bot/core/log.hpp"
#include "bot/server/handlers/handlers.hpp"
#include "bot/server/message_codec.hpp"
#include "bot/server/net.hpp"
#include "bot/web/assets.hpp"
#include "storage/repositories.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>

namespace ponte::server {

namespace {

constexpr int kPage = 100;
constexpr auto kHeartbeat = std::chrono::seconds(15);

struct Page {
  std::vector<std::pair<std::int64_t, std::string>> events;  // id, JSON
  std::int64_t cursor = 0;
  bool full = false;
};

// Transcript rows after `after` for a web chat client, rendered for the page.
Result<Page> read_page(Services& svc, const std::string& client, std::int64_t after) {
  Page page;
  page.cursor = after;
  auto reader = svc.readers.acquire();
  if (!reader) return reader.error();
  auto contact = storage::find_contact(**reader, Channel::webchat, client);
  if (!contact) return contact.error();
  if (!*contact) return page;
  auto rows = storage::list_messages(**reader, (*contact)->id, after, kPage);
  if (!rows) return rows.error();
  page.full = static_cast<int>(rows->size()) == kPage;
  for (const auto& row : *rows) {
    page.cursor = row.id;
    const bool out = row.direction == storage::Direction::out;
    auto msg = out ? decode_outbound(row.body) : decode_inbound_as_message(row.body);
    if (!msg || (msg->text.empty() && msg->choices.empty())) continue;  // e.g. "page opened"
    page.events.emplace_back(row.id,
                             channels::webchat::render_event(row.id, out, *msg, row.created_at));
  }
  return page;
}

std::optional<std::int64_t> parse_cursor(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

net::awaitable<bool> write_text(beast::tcp_stream& stream, const std::string& text,
                                std::chrono::milliseconds timeout) {
  stream.expires_after(timeout);
  auto [ec, n] = co_await net::async_write(stream, net::buffer(text), use_nothrow);
  co_return !ec;
}

net::awaitable<void> stream_events(Services& svc, std::string client, std::int64_t cursor,
                                   beast::tcp_stream& stream) {
  const auto timeout = std::chrono::milliseconds(svc.config.http.write_timeout_ms);
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
      "retry: 2000\n\n";
  if (!co_await write_text(stream, head, timeout)) co_return;
  auto ex = co_await net::this_coro::executor;
  auto waiter = svc.hub.subscribe(client, ex);
  for (;;) {
    if (svc.hub.closed() || svc.stopping) break;
    waiter->notified = false;
    auto page = read_page(svc, client, cursor);
    if (!page) {
      log::error("webchat.read_failed", {{"error", page.error().message}});
      break;
    }
    cursor = page->cursor;
    std::string out;
    for (const auto& [id, json] : page->events) {
      out += "id: " + std::to_string(id) + "\nevent: message\ndata: " + json + "\n\n";
    }
    if (!out.empty() && !co_await write_text(stream, out, timeout)) break;
    if (page->full || waiter->notified) continue;
    waiter->timer.expires_after(kHeartbeat);
    auto [ec] = co_await waiter->timer.async_wait(use_nothrow);
    // A timeout is a quiet minute: a comment line keeps proxies from closing
    // the stream and finds out whether the phone is still there.
    if (!ec && !co_await write_text(stream, ": ping\n\n", timeout)) break;
  }
  svc.hub.unsubscribe(client, waiter);
}

}  // namespace

net::awaitable<Reply> handle_webchat_post(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto event = channels::webchat::parse_post(req.body(), svc.clock.now());
  if (!event) {
    log::info("webchat.rejected", {{"req", ctx.id}, {"error", event.error().message}});
    co_return Reply{json_error(req,
                               event.error().code == Errc::parse
                                   ? http::status::bad_request
                                   : http::status::unprocessable_entity,
                               event.error().message)};
  }
  if (svc.stopping) {
    auto res = json_error(req, http::status::service_unavailable, "shutting down");
    res.set(http::field::retry_after, "2");
    co_return Reply{std::move(res)};
  }
  auto outcome = co_await process_event(svc, std::move(*event));
  if (!outcome) {
    log::write(not_stored_level(outcome.error()), "webchat.not_stored",
               {{"req", ctx.id}, {"error", outcome.error().message}});
    // The page keeps the message and posts it again (chat.js pump()).
    auto res = json_error(req, http::status::service_unavailable,
                          "the help line cannot save messages right now; it will be sent again");
    res.set(http::field::retry_after, "2");
    co_return Reply{std::move(res)};
  }
  log::info(outcome->duplicate ? "webchat.duplicate" : "webchat.accepted",
            {{"req", ctx.id}, {"contact", outcome->contact_id}, {"replies", outcome->replies}});
  auto res = make_response(req, http::status::ok, "{\"ok\":true}");
  res.set(http::field::cache_control, "no-store");
  co_return Reply{std::move(res)};
}

// Shared by the stream and the history: the client and the cursor.
static Result<std::pair<std::string, std::int64_t>> client_and_cursor(RequestContext& ctx) {
  auto client = query_param(ctx.query, "client");
  if (!client || !channels::webchat::valid_client_id(*client)) {
    return fail(Errc::parse, "missing or malformed client id");
  }
  std::int64_t after = 0;
  const auto last_field = ctx.request["Last-Event-ID"];
  const std::string_view last(last_field.data(), last_field.size());
  if (auto q = query_param(ctx.query, "after"); !last.empty() || q) {
    auto parsed = parse_cursor(!last.empty() ? last : std::string_view(*q));
    if (!parsed) return fail(Errc::parse, "malformed cursor");
    after = *parsed;
  }
  return std::pair{*client, after};
}

net::awaitable<Reply> handle_webchat_events(Services& svc, RequestContext& ctx) {
  auto args = client_and_cursor(ctx);
  if (!args)
    co_return Reply{json_error(ctx.request, http::status::bad_request, args.error().message)};
  Reply reply;
  reply.takeover = [&svc, client = args->first, after = args->second](beast::tcp_stream& s) {
    return stream_events(svc, client, after, s);
  };
  co_return reply;
}

net::awaitable<Reply> handle_webchat_history(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto args = client_and_cursor(ctx);
  if (!args) co_return Reply{json_error(req, http::status::bad_request, args.error().message)};
  auto page = read_page(svc, args->first, args->second);
  if (!page) co_return Reply{json_error(req, http::status::service_unavailable, "please retry")};
  std::string body = "{\"cursor\":" + std::to_string(page->cursor) +
                     ",\"more\":" + (page->full ? "true" : "false") + ",\"messages\":[";
  for (std::size_t i = 0; i < page->events.size(); ++i) {
    if (i) body += ",";
    body += page->events[i].second;
  }
  body += "]}";
  auto res = make_response(req, http::status::ok, std::move(body));
  res.set(http::field::cache_control, "no-store");
  co_return Reply{std::move(res)};
}

Reply handle_static(RequestContext& ctx, std::string_view embed_origins) {
  const auto& req = ctx.request;
  auto asset = web::find_asset(ctx.path);
  if (!asset) return Reply{json_error(req, http::status::not_found, "not found")};
  if (req[http::field::if_none_match] == asset->etag) {
    auto res = make_response(req, http::status::not_modified);
    res.set(http::field::etag, asset->etag);
    return Reply{std::move(res)};
  }
  auto res = make_response(req, http::status::ok, std::string(asset->body), asset->content_type);
  res.set(http::field::etag, asset->etag);
  res.set(http::field::cache_control, "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  // Only the sites in webchat_embed_origins may frame the chat (widget.js).
  const std::string ancestors =
      embed_origins.empty() ? "'none'" : "'self' " + std::string(embed_origins);
  res.set("Content-Security-Policy",
          "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; "
          "img-src 'self' data:; frame-ancestors " +
              ancestors);
  res.set("Referrer-Policy", "no-referrer");
  return Reply{std::move(res)};
}

}  // namespace ponte::server
