// POST /telegram/webhook: secret header checked (constant time) before the
// body is even parsed; 2xx only after the event is committed; the 200 has an
// empty body, because Telegram would execute a Bot API method found there.
#include "bot/channels/telegram/telegram.hpp"
#include "bot/core/log.hpp"
#include "bot/server/handlers/handlers.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server {

namespace http = boost::beast::http;

boost::asio::awaitable<Reply> handle_telegram_webhook(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  if (!svc.config.telegram.enabled()) {
    co_return Reply{json_error(req, http::status::not_found, "telegram is not configured")};
  }
  if (req.method() != http::verb::post) {
    co_return Reply{json_error(req, http::status::method_not_allowed, "use POST")};
  }
  const auto secret = req["X-Telegram-Bot-Api-Secret-Token"];
  if (!channels::telegram::verify_secret(secret, svc.config.telegram.secret_token)) {
    log::warn("webhook.unauthorized",
              {{"req", ctx.id}, {"chan", "telegram"}, {"remote", ctx.remote}});
    co_return Reply{json_error(req, http::status::unauthorized, "bad secret token")};
  }
  auto parsed = channels::telegram::parse_update(req.body());
  if (!parsed) {
    log::warn("webhook.malformed", {{"req", ctx.id},
                                    {"chan", "telegram"},
                                    {"error", parsed.error().message},
                                    {"bytes", req.body().size()}});
    co_return Reply{json_error(req, http::status::bad_request, parsed.error().message)};
  }
  if (!*parsed) {
    log::info("webhook.ignored", {{"req", ctx.id}, {"chan", "telegram"}});
    co_return Reply{make_response(req, http::status::ok)};
  }
  if (svc.stopping) {
    auto res = json_error(req, http::status::service_unavailable, "shutting down");
    res.set(http::field::retry_after, "5");
    co_return Reply{std::move(res)};
  }
  const auto update_id = (*parsed)->external_id;
  auto outcome = co_await process_event(svc, std::move(**parsed));
  if (!outcome) {
    log::write(not_stored_level(outcome.error()), "webhook.not_stored",
               {{"req", ctx.id},
                {"chan", "telegram"},
                {"update", update_id},
                {"error", outcome.error().message}});
    // The platform retries; nothing was acknowledged, so nothing is lost.
    auto res = json_error(req, http::status::service_unavailable, "storage unavailable");
    res.set(http::field::retry_after, "5");
    co_return Reply{std::move(res)};
  }
  log::info(outcome->duplicate ? "webhook.duplicate" : "webhook.accepted",
            {{"req", ctx.id},
             {"chan", "telegram"},
             {"update", update_id},
             {"contact", outcome->contact_id},
             {"replies", outcome->replies}});
  co_return Reply{make_response(req, http::status::ok)};
}

}  // namespace ponte::server
