// Routes by path, then method. Webhook paths come from the configuration.
#include "bot/server/console/handlers.hpp"
#include "bot/server/handlers/handlers.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

namespace ponte::server {

namespace http = boost::beast::http;

namespace {

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
  co_return handle_static(ctx);
}

}  // namespace

Handler make_router(Services& svc) {
  return [&svc](RequestContext& ctx) { return route(svc, ctx); };
}

}  // namespace ponte::server
