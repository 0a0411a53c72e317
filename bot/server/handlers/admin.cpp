// The admin API, for the console and for an NGO's scripts: either a console
// login (supervisors for the outbox, case workers for files; audited, with
// the CSRF header on POST) or a bearer token from the configuration
// (admin_token / PONTE_ADMIN_TOKEN), compared in constant time.
//   GET  /api/outbox/dead?before=ID&limit=N  dead-lettered sends, newest first
//   POST /api/outbox/{id}/retry              queue a dead send again
//   GET  /api/files/telegram/{file_id}       a file a person sent (attachment)
//   GET  /api/files/whatsapp/{media_id}      the same for WhatsApp media
#include "bot/core/log.hpp"
#include "bot/server/async_commit.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/handlers/handlers.hpp"
#include "bot/server/message_codec.hpp"
#include "bot/server/telegram_files.hpp"

#include <openssl/crypto.h>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace ponte::server {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr int kMaxPage = 200;

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

// The value of `key` in an undecoded query string (ids only: no decoding).
std::string_view query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

http::status status_for(Errc code) {
  switch (code) {
    case Errc::not_found: return http::status::not_found;
    case Errc::conflict: return http::status::conflict;
    case Errc::invalid: return http::status::bad_request;
    case Errc::parse: return http::status::bad_gateway;  // the platform answered oddly
    case Errc::timeout: return http::status::gateway_timeout;
    case Errc::unavailable: return http::status::bad_gateway;
    default: return http::status::service_unavailable;
  }
}

json outbox_json(const storage::OutboxRow& row) {
  json j = {{"id", row.id},
            {"contact_id", row.contact_id},
            {"channel", to_string(row.channel)},
            {"recipient", row.recipient},
            {"state", row.state == storage::OutboxState::dead      ? "dead"
                      : row.state == storage::OutboxState::pending ? "pending"
                                                                   : "sent"},
            {"attempts", row.attempts},
            {"last_error", row.last_error.value_or("")},
            {"created_at", row.created_at}};
  if (row.message_id) j["message_id"] = *row.message_id;
  if (auto msg = decode_outbound(row.payload)) {
    j["text"] = msg->text;
    j["receipt"] = !msg->ack_callback_id.empty();  // a read receipt / button ack, not a message
  }
  return j;
}

Response json_ok(const Request& req, const json& body) {
  return make_response(req, http::status::ok,
                       body.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

std::optional<Reply> refuse_unless_allowed(Services& svc, RequestContext& ctx,
                                           std::initializer_list<storage::Role> roles,
                                           std::string_view action) {
  const std::string_view header = ctx.request[http::field::authorization];
  if (header.empty()) {
    // A console login: its role decides, and its use is in the audit log.
    auto access = console::authorize(svc, ctx, roles);
    if (!access.caller) return Reply{std::move(access.refusal)};
    auto entry =
        console::audit_of(*access.caller, action, std::nullopt, ctx.path, console::now_ms(svc));
    svc.writer.submit(
        [entry = std::move(entry)](storage::Database& db) { return storage::add_audit(db, entry); },
        [](Result<void> r) {
          if (!r) log::error("audit.failed", {{"error", r.error().message}});
        });
    return std::nullopt;
  }
  const auto& token = svc.config.admin_token;
  constexpr std::string_view kBearer = "Bearer ";
  const bool ok = !token.empty() && header.size() == kBearer.size() + token.size() &&
                  header.substr(0, kBearer.size()) == kBearer &&
                  CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
  if (ok) return std::nullopt;
  log::warn("admin.unauthorized", {{"req", ctx.id}, {"remote", ctx.remote}, {"path", ctx.path}});
  auto res = json_error(ctx.request, http::status::unauthorized, "admin token required");
  res.set(http::field::www_authenticate, "Bearer");
  return Reply{std::move(res)};
}

boost::asio::awaitable<Reply> handle_outbox_dead(Services& svc, RequestContext& ctx) {
  if (auto refused = refuse_unless_allowed(svc, ctx, console::kSupervisors, "outbox.list_dead")) {
    co_return std::move(*refused);
  }
  const auto before = parse_id(query_value(ctx.query, "before")).value_or(0);
  const auto limit = static_cast<int>(std::clamp<std::int64_t>(
      parse_id(query_value(ctx.query, "limit")).value_or(50), 1, kMaxPage));
  auto reader = svc.readers.acquire();
  if (!reader)
    co_return Reply{
        json_error(ctx.request, http::status::service_unavailable, "storage unavailable")};
  auto rows = storage::dead_outbox(**reader, before, limit);
  if (!rows)
    co_return Reply{
        json_error(ctx.request, http::status::service_unavailable, "storage unavailable")};
  json items = json::array();
  for (const auto& row : *rows) items.push_back(outbox_json(row));
  json body = {{"dead", std::move(items)}};
  if (static_cast<int>(rows->size()) == limit) body["next_before"] = rows->back().id;
  co_return Reply{json_ok(ctx.request, body)};
}

boost::asio::awaitable<Reply> handle_outbox_retry(Services& svc, RequestContext& ctx,
                                                  std::string_view id_text) {
  if (auto refused = refuse_unless_allowed(svc, ctx, console::kSupervisors, "outbox.retry")) {
    co_return std::move(*refused);
  }
  const auto id = parse_id(id_text);
  if (!id) co_return Reply{json_error(ctx.request, http::status::not_found, "no such outbox row")};
  auto revived = std::make_shared<storage::OutboxRow>();
  const auto now_ms = to_unix_ms(svc.clock.now());
  storage::Writer::Unit unit = [revived, id = *id, now_ms](storage::Database& db) -> Result<void> {
    auto row = storage::revive_outbox(db, id, now_ms);
    if (!row) return row.error();
    *revived = std::move(*row);
    return {};
  };
  auto committed = co_await async_commit(svc.writer, std::move(unit), boost::asio::use_awaitable);
  if (!committed) {
    co_return Reply{
        json_error(ctx.request, status_for(committed.error().code), committed.error().message)};
  }
  log::info("outbox.revived",
            {{"req", ctx.id}, {"outbox", revived->id}, {"contact", revived->contact_id}});
  svc.sender.enqueue({*revived});
  co_return Reply{json_ok(ctx.request, outbox_json(*revived))};
}

boost::asio::awaitable<Reply> handle_file(Services& svc, RequestContext& ctx, Channel channel,
                                          std::string_view file_id) {
  if (auto refused = refuse_unless_allowed(svc, ctx, console::kCaseWorkers, "file.fetch")) {
    co_return std::move(*refused);
  }
  std::optional<Result<FetchedFile>> fetched;
  if (channel == Channel::whatsapp) {
    fetched = co_await fetch_whatsapp_media(svc.http, svc.config.whatsapp, std::string(file_id));
  } else {
    fetched = co_await fetch_telegram_file(svc.http, svc.config.telegram, std::string(file_id));
  }
  auto& file = *fetched;
  if (!file) {
    log::warn("files.fetch_failed", {{"req", ctx.id}, {"error", file.error().message}});
    co_return Reply{json_error(ctx.request, status_for(file.error().code), file.error().message)};
  }
  // Whatever a person sent is untrusted: served as an opaque download, never
  // rendered inline on Ponte's origin.
  const auto slash = file->file_path.rfind('/');
  std::string name = file->file_path.substr(slash == std::string::npos ? 0 : slash + 1);
  auto res = make_response(ctx.request, http::status::ok, std::move(file->body),
                           "application/octet-stream");
  res.set(http::field::content_disposition, "attachment; filename=\"" + name + "\"");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  co_return Reply{std::move(res)};
}

}  // namespace ponte::server
