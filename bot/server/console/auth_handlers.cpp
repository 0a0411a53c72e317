// Logging in and out. A login sets an HttpOnly, SameSite=Strict cookie
// (Secure when public_url is https) holding a random token whose SHA-256 is
// the session's key; the reply carries the session's CSRF token, which the
// console sends back in X-CSRF-Token. Failed logins are audited, and after
// five in a row a name must wait 1 s, 2 s, 4 s... (at most 15 min) between
// attempts.
#include "bot/core/log.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/console/password.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace http = boost::beast::http;

namespace {

constexpr int kFreeFailures = 5;
constexpr std::int64_t kFailureWindowMs = 15 * 60 * 1000;
constexpr std::int64_t kMaxDelayMs = 15 * 60 * 1000;

// How long `name` must still wait before trying again; 0 when it may try.
std::int64_t throttle_wait_ms(const storage::LoginFailures& f, std::int64_t now) {
  if (f.count < kFreeFailures) return 0;
  const auto doublings = std::min(f.count - kFreeFailures, 20);
  const auto delay = std::min<std::int64_t>(1000LL << doublings, kMaxDelayMs);
  return std::max<std::int64_t>(0, f.last_at + delay - now);
}

// A hash to verify against when the name is unknown, so a wrong name takes
// as long as a wrong password and names cannot be probed by timing.
const std::string& decoy_hash() {
  static const std::string hash = hash_password("decoy-password-never-used").value();
  return hash;
}

std::string session_cookie(const Services& svc, std::string_view token, std::int64_t max_age_s) {
  std::string c = std::string(kCookieName) + "=" + std::string(token) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (svc.config.public_url.rfind("https://", 0) == 0) c += "; Secure";
  return c;
}

Json operator_json(const storage::Operator& op) {
  return {{"id", op.id}, {"name", op.name}, {"role", storage::to_string(op.role)}};
}

}  // namespace

net::awaitable<Reply> handle_login(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto name = string_member(*body, "name", 64);
  auto password = string_member(*body, "password", kMaxPasswordLength);
  if (!name) co_return Reply{error_reply(req, name.error())};
  if (!password) co_return Reply{error_reply(req, password.error())};
  const auto now = now_ms(svc);
  std::optional<storage::Operator> op;
  {
    auto reader = svc.readers.acquire();
    if (!reader) co_return Reply{error_reply(req, reader.error())};
    auto failures = storage::recent_login_failures(**reader, *name, now - kFailureWindowMs);
    if (!failures) co_return Reply{error_reply(req, failures.error())};
    if (const auto wait = throttle_wait_ms(*failures, now); wait > 0) {
      auto res = json_error(req, http::status::too_many_requests,
                            "too many failed logins; wait and try again");
      res.set(http::field::retry_after, std::to_string((wait + 999) / 1000));
      co_return Reply{std::move(res)};
    }
    auto found = storage::find_operator(**reader, *name);
    if (!found) co_return Reply{error_reply(req, found.error())};
    op = std::move(*found);
  }
  const bool ok =
      verify_password(op ? op->password_hash : decoy_hash(), *password) && op && !op->disabled;
  if (!ok) {
    storage::AuditEntry e;
    if (op) e.operator_id = op->id;
    e.operator_name = *name;
    e.action = "login.failed";
    e.detail = "remote=" + ctx.remote;
    e.created_at = now;
    std::function<Result<bool>(storage::Database&)> work1 =
        [e](storage::Database& db) -> Result<bool> {
      if (auto r = storage::add_audit(db, e); !r) return r.error();
      return true;
    };
    auto stored = co_await run_unit<bool>(svc, std::move(work1));
    if (!stored) co_return Reply{error_reply(req, stored.error())};
    log::info("console.login_failed", {{"req", ctx.id}, {"name", *name}});
    co_return Reply{json_error(req, http::status::unauthorized, "wrong name or password")};
  }
  const auto token = random_hex(32);
  storage::OperatorSession session{sha256_hex(token),   op->id, random_hex(16), now, now,
                                   now + kSessionIdleMs};
  Caller caller{*op, session};
  auto audit = audit_of(caller, "login.ok", std::nullopt, "remote=" + ctx.remote, now);
  std::function<Result<bool>(storage::Database&)> work2 =
      [session, audit](storage::Database& db) -> Result<bool> {
    if (auto r = storage::add_operator_session(db, session); !r) return r.error();
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return true;
  };
  auto stored = co_await run_unit<bool>(svc, std::move(work2));
  if (!stored) co_return Reply{error_reply(req, stored.error())};
  log::info("console.login", {{"req", ctx.id}, {"operator", op->name}});
  auto res = json_reply(req, {{"operator", operator_json(*op)}, {"csrf", session.csrf_token}});
  res.set(http::field::set_cookie, session_cookie(svc, token, kSessionAbsoluteMs / 1000));
  co_return Reply{std::move(res)};
}

net::awaitable<Reply> handle_logout(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx,
                          {storage::Role::operator_, storage::Role::supervisor,
                           storage::Role::author, storage::Role::admin});
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const auto now = now_ms(svc);
  auto audit = audit_of(*access.caller, "logout", std::nullopt, "", now);
  std::function<Result<bool>(storage::Database&)> work3 =
      [hash = access.caller->session.token_hash, audit](storage::Database& db) -> Result<bool> {
    if (auto r = storage::delete_operator_session(db, hash); !r) return r.error();
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return true;
  };
  auto done = co_await run_unit<bool>(svc, std::move(work3));
  if (!done) co_return Reply{error_reply(req, done.error())};
  auto res = json_reply(req, {{"ok", true}});
  res.set(http::field::set_cookie, session_cookie(svc, "", 0));
  co_return Reply{std::move(res)};
}

net::awaitable<Reply> handle_me(Services& svc, RequestContext& ctx) {
  auto access = authorize(svc, ctx,
                          {storage::Role::operator_, storage::Role::supervisor,
                           storage::Role::author, storage::Role::admin});
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const auto& c = *access.caller;
  co_return Reply{json_reply(ctx.request, {{"operator", operator_json(c.op)},
                                           {"csrf", c.session.csrf_token},
                                           {"expires_at", c.session.expires_at}})};
}

}  // namespace ponte::server::console
