// What the console's API handlers share: who is calling (the session from
// the cookie, checked against its CSRF token and the route's roles), JSON in
// and out, Errc -> HTTP status, and running a change as one writer unit
// together with its audit entry.
#pragma once

#include "bot/server/async_commit.hpp"
#include "bot/server/http_server.hpp"
#include "bot/server/services.hpp"
#include "storage/console.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>

namespace ponte::server::console {

using Json = nlohmann::json;

inline constexpr std::string_view kCookieName = "ponte_console";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
// The web chat hub's topic for console wake-ups; '#' can never start a web
// chat client id, so no person's stream listens to it.
inline constexpr std::string_view kFeedTopic = "#console";
// A login lasts 12 hours at most, and ends after 2 idle hours.
inline constexpr std::int64_t kSessionAbsoluteMs = 12LL * 3600 * 1000;
inline constexpr std::int64_t kSessionIdleMs = 2LL * 3600 * 1000;
inline constexpr std::size_t kMaxJsonBody = 64 * 1024;

struct Caller {
  storage::Operator op;
  storage::OperatorSession session;
  bool can_supervise() const {
    return op.role == storage::Role::supervisor || op.role == storage::Role::admin;
  }
};

// Either a caller or the reply refusing the request (401, 403).
struct Access {
  std::optional<Caller> caller;
  Response refusal;
};
// Finds the session of the request's cookie; for a state-changing method
// also checks the CSRF header; then checks the caller's role is in `roles`.
Access authorize(Services& svc, RequestContext& ctx, std::initializer_list<storage::Role> roles);
// Operators, supervisors and admins work cases; authors edit flows only.
inline constexpr std::initializer_list<storage::Role> kCaseWorkers = {
    storage::Role::operator_, storage::Role::supervisor, storage::Role::admin};
inline constexpr std::initializer_list<storage::Role> kSupervisors = {storage::Role::supervisor,
                                                                      storage::Role::admin};

Response json_reply(const Request& req, const Json& body,
                    boost::beast::http::status status = boost::beast::http::status::ok);
boost::beast::http::status status_for(Errc code);
Response error_reply(const Request& req, const Error& error);
// The request body as a JSON object; Errc::parse otherwise (also when it is
// not sent as application/json, which a cross-site form cannot do).
Result<Json> json_body(const Request& req);
// Typed members of a body, with errors naming the member.
Result<std::string> string_member(const Json& body, std::string_view name, std::size_t max_bytes,
                                  bool required = true);
Result<std::optional<std::int64_t>> int_member(const Json& body, std::string_view name,
                                               bool required = true);

// The error of the first failed result among `results`, if any.
template <class... R>
std::optional<Error> first_error(const R&... results) {
  std::optional<Error> out;
  ((out || results ? void() : void(out = results.error())), ...);
  return out;
}

std::int64_t now_ms(Services& svc);
storage::AuditEntry audit_of(const Caller& caller, std::string_view action,
                             std::optional<std::int64_t> case_id, std::string detail,
                             std::int64_t now);

// Runs `work` as one unit of the group-commit writer and returns its value.
template <class T>
boost::asio::awaitable<Result<T>> run_unit(Services& svc,
                                           std::function<Result<T>(storage::Database&)> work) {
  auto value = std::make_shared<std::optional<T>>();
  storage::Writer::Unit unit = [work = std::move(work), value](storage::Database& db) {
    value->reset();
    auto r = work(db);
    if (!r) return Result<void>(r.error());
    *value = std::move(*r);
    return Result<void>();
  };
  auto done = co_await async_commit(svc.writer, std::move(unit), boost::asio::use_awaitable);
  if (!done) co_return done.error();
  co_return std::move(**value);
}

// Wakes every console's live feed (after a committed change).
void notify_consoles(Services& svc);

}  // namespace ponte::server::console
