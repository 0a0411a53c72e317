// Routes by path, then method. Webhook paths come from the configuration.
#include "bot/server/console/handlers.hpp"
#include "bot/server/handlers/handlers.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

namespace ponte::server {

namespace http = boost::beast::http;

namespace {

// /api/outbox/dead, /api/outbox/{id}/retry, /api/files/{telegram|whatsapp}/{id}.
boost::asio::awaitable<Reply> route_admin(Services& svc, RequestContext& ctx, bool get, bool post) {
  std::string_view path = ctx.path;
  if (path == "/api/outbox/dead") {
    if (!get) co_return Reply{json_error(ctx.request, http::status::method_not_allowed, "use GET")};
    co_return co_await handle_outbox_dead(svc, ctx);
  }
  constexpr std::string_view kOutbox = "/api/outbox/", kRetry = "/retry",
                             kTelegramFile = "/api/files/telegram/",
                             kWhatsAppFile = "/api/files/whatsapp/";
  if (path.starts_with(kOutbox) && path.ends_with(kRetry) &&
      path.size() > kOutbox.size() + kRetry.size()) {
    if (!post)
      co_return Reply{json_error(ctx.request, http::status::method_not_allowed, "use POST")};
    co_return co_await handle_outbox_retry(
        svc, ctx, path.substr(kOutbox.size(), path.size() - kOutbox.size() - kRetry.size()));
  }
  const bool telegram_file = path.starts_with(kTelegramFile) && path.size() > kTelegramFile.size();
  const bool whatsapp_file = path.starts_with(kWhatsAppFile) && path.size() > kWhatsAppFile.size();
  if (telegram_file || whatsapp_file) {
    if (!get) co_return Reply{json_error(ctx.request, http::status::method_not_allowed, "use GET")};
    const auto id = path.substr((telegram_file ? kTelegramFile : kWhatsAppFile).size());
    co_return co_await handle_file(svc, ctx, telegram_file ? Channel::telegram : Channel::whatsapp,
                                   id);
  }
  co_return Reply{json_error(ctx.request, http::status::not_found, "not found")};
}

boost::asio::awaitable<Reply> route(Services& svc, RequestContext& ctx) {
  const auto method = ctx.request.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  const bool post = method == http::verb::post;
  const auto wrong_method = [&](std::string_view allowed) {
    auto res = json_error(ctx.request, http::status::method_not_allowed, "method not allowed");
    res.set(http::field::allow, allowed);
    return Reply{std::move(res)};
  };
  const auto& path = ctx.path;
  if (path == svc.config.telegram.webhook_path) {
    if (!post) co_return wrong_method("POST");
    co_return co_await handle_telegram_webhook(svc, ctx);
  }
  if (path == svc.config.whatsapp.webhook_path) {
    if (get) co_return co_await handle_whatsapp_verify(svc, ctx);
    if (!post) co_return wrong_method("GET, POST");
    co_return co_await handle_whatsapp_webhook(svc, ctx);
  }
  if (path.starts_with("/api/outbox/") || path.starts_with("/api/files/")) {
    co_return co_await route_admin(svc, ctx, get, post);
  }
  if (path == "/healthz") {
    if (!get) co_return wrong_method("GET");
    co_return co_await handle_health(svc, ctx);
  }
  if (path == "/webchat/messages") {
    if (!post) co_return wrong_method("POST");
    co_return co_await handle_webchat_post(svc, ctx);
  }
  if (path == "/webchat/events") {
    if (!get) co_return wrong_method("GET");
    co_return co_await handle_webchat_events(svc, ctx);
  }
  if (path == "/webchat/history") {
    if (!get) co_return wrong_method("GET");
    co_return co_await handle_webchat_history(svc, ctx);
  }
  if (path.rfind("/api/", 0) == 0) co_return co_await console::handle_api(svc, ctx);
  if (!get) co_return Reply{json_error(ctx.request, http::status::not_found, "not found")};
  if (path == "/console" || path.rfind("/console/", 0) == 0) co_return console::handle_page(ctx);
  co_return handle_static(ctx, svc.config.webchat_embed_origins);
}

}  // namespace

Handler make_router(Services& svc) {
  return [&svc](RequestContext& ctx) { return route(svc, ctx); };
}

}  // namespace ponte::server
