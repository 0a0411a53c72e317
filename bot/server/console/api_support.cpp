#include "bot/server/console/api_support.hpp"

#include "bot/server/http_status.hpp"

#include "bot/channels/json_body.hpp"
#include "bot/core/log.hpp"
#include "bot/server/console/password.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace http = boost::beast::http;

namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

bool changes_state(http::verb v) {
  return v != http::verb::get && v != http::verb::head && v != http::verb::options;
}

Access refuse(const Request& req, http::status status, std::string_view why) {
  return Access{std::nullopt, json_error(req, status, why)};
}

// Slides the idle deadline, at most once a minute per session.
void touch(Services& svc, const storage::OperatorSession& s, std::int64_t now) {
  if (now - s.last_seen_at < 60'000) return;
  const auto expires = std::min(s.created_at + kSessionAbsoluteMs, now + kSessionIdleMs);
  svc.writer.submit(
      [hash = s.token_hash, now, expires](storage::Database& db) {
        return storage::touch_operator_session(db, hash, now, expires);
      },
      [](Result<void> r) {
        if (!r) log::warn("console.touch_failed", {{"error", r.error().message}});
      });
}

}  // namespace

Access authorize(Services& svc, RequestContext& ctx, std::initializer_list<storage::Role> roles) {
  const auto& req = ctx.request;
  const auto header = req[http::field::cookie];
  const auto token = cookie_value(std::string_view(header.data(), header.size()), kCookieName);
  if (token.empty()) return refuse(req, http::status::unauthorized, "log in first");
  auto reader = svc.readers.acquire();
  if (!reader) return refuse(req, http::status::service_unavailable, "please retry");
  const auto now = now_ms(svc);
  auto found = storage::find_operator_session(**reader, sha256_hex(token), now);
  if (!found) return refuse(req, http::status::service_unavailable, "please retry");
  if (!*found) return refuse(req, http::status::unauthorized, "your session has ended; log in");
  auto& [session, op] = **found;
  if (changes_state(req.method())) {
    const auto sent = req[kCsrfHeader];
    if (!equal_constant_time(std::string_view(sent.data(), sent.size()), session.csrf_token)) {
      log::warn("console.csrf_refused", {{"req", ctx.id}, {"operator", op.name}});
      return refuse(req, http::status::forbidden, "missing or wrong CSRF token");
    }
  }
  bool allowed = false;
  for (auto r : roles) allowed = allowed || r == op.role;
  if (!allowed) {
    log::warn("console.role_refused", {{"req", ctx.id}, {"operator", op.name}, {"path", ctx.path}});
    return refuse(req, http::status::forbidden, "your role may not do this");
  }
  touch(svc, session, now);
  return Access{Caller{std::move(op), std::move(session)}, {}};
}

Response json_reply(const Request& req, const Json& body, http::status status) {
  auto res = make_response(req, status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
  res.set(http::field::cache_control, "no-store");
  return res;
}

http::status status_for(Errc code) { return http_status_for(code); }

Response error_reply(const Request& req, const Error& error) {
  const auto status = status_for(error.code);
  if (static_cast<int>(status) >= 500) {
    log::error("console.failed", {{"error", error.message}});
    auto res = json_error(req, status, "please retry");
    res.set(http::field::retry_after, "2");
    return res;
  }
  return json_error(req, status, error.message);
}

Result<Json> json_body(const Request& req) {
  const auto type = req[http::field::content_type];
  if (std::string_view(type.data(), type.size()).rfind("application/json", 0) != 0) {
    return fail(Errc::parse, "send the body as application/json");
  }
  if (req.body().size() > kMaxJsonBody) return fail(Errc::too_large, "body too large");
  // Depth-checked before anything is built, like every untrusted body.
  auto body = channels::parse_json_body(req.body());
  if (!body) return body.error();
  if (!body->is_object()) return fail(Errc::parse, "the body must be a JSON object");
  return Result<Json>(boost::system::in_place_value, std::move(*body));
}

Result<std::string> string_member(const Json& body, std::string_view name, std::size_t max_bytes,
                                  bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return fail(Errc::parse, "\"" + std::string(name) + "\" is required");
    return std::string();
  }
  if (!it->is_string()) return fail(Errc::parse, "\"" + std::string(name) + "\" must be a string");
  auto value = it->get<std::string>();
  if (value.size() > max_bytes) {
    return fail(Errc::too_large, "\"" + std::string(name) + "\" holds at most " +
                                     std::to_string(max_bytes) + " bytes");
  }
  return value;
}

Result<std::optional<std::int64_t>> int_member(const Json& body, std::string_view name,
                                               bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return fail(Errc::parse, "\"" + std::string(name) + "\" is required");
    return std::optional<std::int64_t>();
  }
  if (!it->is_number_integer()) {
    return fail(Errc::parse, "\"" + std::string(name) + "\" must be a whole number");
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

std::int64_t now_ms(Services& svc) { return to_unix_ms(svc.clock.now()); }

storage::AuditEntry audit_of(const Caller& caller, std::string_view action,
                             std::optional<std::int64_t> case_id, std::string detail,
                             std::int64_t now) {
  storage::AuditEntry e;
  e.operator_id = caller.op.id;
  e.operator_name = caller.op.name;
  e.action = std::string(action);
  e.case_id = case_id;
  e.detail = std::move(detail);
  e.created_at = now;
  return e;
}

void notify_consoles(Services& svc) { svc.hub.notify(std::string(kFeedTopic)); }

}  // namespace ponte::server::console
