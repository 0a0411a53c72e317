// GET and POST /whatsapp/webhook (WhatsApp Cloud API).
// GET: the verification handshake; the challenge is echoed only for the
// configured verify token. POST: X-Hub-Signature-256 is checked over the raw
// body bytes before anything is parsed or stored; then each message runs a
// turn (dedupe by wamid inside it) and each status moves the stored message
// forward. 200 only after all of it is committed: on 503 Meta retries the
// whole notification, and what was already committed is deduplicated.
#include "bot/channels/whatsapp/whatsapp.hpp"
#include "bot/core/log.hpp"
#include "bot/server/async_commit.hpp"
#include "bot/server/handlers/handlers.hpp"

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>

namespace ponte::server {

namespace http = boost::beast::http;
namespace net = boost::asio;
namespace wa = channels::whatsapp;

namespace {

Reply unavailable(const Request& req, std::string_view why) {
  auto res = json_error(req, http::status::service_unavailable, why);
  res.set(http::field::retry_after, "5");
  return Reply{std::move(res)};
}

std::optional<storage::MessageStatus> receipt_status(std::string_view s) {
  if (s == "sent") return storage::MessageStatus::sent;
  if (s == "delivered") return storage::MessageStatus::delivered;
  if (s == "read" || s == "played") return storage::MessageStatus::read;
  if (s == "failed") return storage::MessageStatus::failed;
  return std::nullopt;
}

// All receipts of one notification in one unit; statuses only move forward
// (storage::apply_receipt), so order and repeats do not matter.
net::awaitable<Result<void>> apply_statuses(Services& svc, const RequestContext& ctx,
                                            std::vector<wa::StatusUpdate> statuses) {
  auto updates = std::make_shared<std::vector<wa::StatusUpdate>>(std::move(statuses));
  auto failed = std::make_shared<std::vector<storage::MessageRow>>();
  storage::Writer::Unit unit = [updates, failed](storage::Database& db) -> Result<void> {
    failed->clear();
    for (const auto& s : *updates) {
      const auto status = receipt_status(s.status);
      if (!status) continue;
      std::optional<std::string> error;
      if (*status == storage::MessageStatus::failed) {
        error = "whatsapp " + std::to_string(s.error_code) + ": " +
                (s.error_title.empty() ? std::string("delivery failed") : s.error_title);
      }
      auto moved = storage::apply_receipt(db, s.message_id, *status, error);
      if (!moved) return moved.error();
      if (*moved && *status == storage::MessageStatus::failed) failed->push_back(**moved);
    }
    return {};
  };
  auto committed = co_await async_commit(svc.writer, std::move(unit), net::use_awaitable);
  if (!committed) co_return committed.error();
  for (const auto& m : *failed) {
    // The transcript row now says "failed" with the reason: the operator
    // view shows it; the log line is for whoever watches the service.
    log::warn("whatsapp.delivery_failed", {{"req", ctx.id},
                                           {"contact", m.contact_id},
                                           {"message", m.id},
                                           {"error", m.error.value_or("")}});
  }
  co_return Result<void>{};
}

}  // namespace

boost::asio::awaitable<Reply> handle_whatsapp_verify(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  if (!svc.config.whatsapp.enabled()) {
    co_return Reply{json_error(req, http::status::not_found, "whatsapp is not configured")};
  }
  auto challenge = wa::verify_handshake(ctx.query, svc.config.whatsapp.verify_token);
  if (!challenge) {
    log::warn("webhook.handshake_refused",
              {{"req", ctx.id}, {"chan", "whatsapp"}, {"remote", ctx.remote}});
    co_return Reply{json_error(req, http::status::forbidden, "verification refused")};
  }
  log::info("webhook.handshake", {{"req", ctx.id}, {"chan", "whatsapp"}});
  co_return Reply{make_response(req, http::status::ok, std::move(*challenge), "text/plain")};
}

boost::asio::awaitable<Reply> handle_whatsapp_webhook(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  if (!svc.config.whatsapp.enabled()) {
    co_return Reply{json_error(req, http::status::not_found, "whatsapp is not configured")};
  }
  if (!wa::verify_signature(req.body(), req["X-Hub-Signature-256"],
                            svc.config.whatsapp.app_secret)) {
    log::warn("webhook.unauthorized",
              {{"req", ctx.id}, {"chan", "whatsapp"}, {"remote", ctx.remote}});
    co_return Reply{json_error(req, http::status::unauthorized, "bad signature")};
  }
  auto parsed = wa::parse_webhook(req.body());
  if (!parsed) {
    log::warn("webhook.malformed", {{"req", ctx.id},
                                    {"chan", "whatsapp"},
                                    {"error", parsed.error().message},
                                    {"bytes", req.body().size()}});
    co_return Reply{json_error(req, http::status::bad_request, parsed.error().message)};
  }
  if (svc.stopping) co_return unavailable(req, "shutting down");
  for (const auto& m : parsed->media) {
    // The media id stays in the transcript: Meta keeps the file 7 days.
    if (m.event < parsed->events.size()) {
      parsed->events[m.event].media_type = m.type;
      parsed->events[m.event].media_id = m.media_id;
    }
  }
  std::size_t accepted = 0, duplicates = 0;
  for (auto& ev : parsed->events) {
    const auto wamid = ev.external_id;
    // Blue ticks: the turn queues a read receipt for this message through
    // the outbox, like a Telegram button acknowledgement.
    ev.callback_id = wamid;
    auto outcome = co_await process_event(svc, std::move(ev));
    if (!outcome) {
      log::write(not_stored_level(outcome.error()), "webhook.not_stored",
                 {{"req", ctx.id},
                  {"chan", "whatsapp"},
                  {"message", wamid},
                  {"error", outcome.error().message}});
      co_return unavailable(req, "storage unavailable");
    }
    (outcome->duplicate ? duplicates : accepted) += 1;
  }
  const auto statuses = parsed->statuses.size();
  if (statuses > 0) {
    auto applied = co_await apply_statuses(svc, ctx, std::move(parsed->statuses));
    if (!applied) {
      log::write(not_stored_level(applied.error()), "webhook.not_stored",
                 {{"req", ctx.id},
                  {"chan", "whatsapp"},
                  {"statuses", statuses},
                  {"error", applied.error().message}});
      co_return unavailable(req, "storage unavailable");
    }
  }
  log::info("webhook.accepted", {{"req", ctx.id},
                                 {"chan", "whatsapp"},
                                 {"messages", accepted},
                                 {"duplicates", duplicates},
                                 {"statuses", statuses}});
  co_return Reply{make_response(req, http::status::ok)};
}

}  // namespace ponte::server
