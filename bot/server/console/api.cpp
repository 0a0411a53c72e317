// Routes under /api/ (the console's JSON API, docs/api.yaml) and the
// console's page under /console. Method mismatches are 405, unknown paths 404.
#include "bot/server/console/case_json.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/handlers/handlers.hpp"

#include <boost/beast/http.hpp>

#include <vector>

namespace ponte::server::console {

namespace {

// "/api/cases/12/claim" -> {"api", "cases", "12", "claim"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return out;
}

Reply wrong_method(const Request& req, std::string_view allowed) {
  auto res = json_error(req, http::status::method_not_allowed, "method not allowed");
  res.set(http::field::allow, allowed);
  return Reply{std::move(res)};
}

Reply not_found(const Request& req) {
  return Reply{json_error(req, http::status::not_found, "no such API route")};
}

}  // namespace

net::awaitable<Reply> handle_api(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  const bool get = req.method() == http::verb::get;
  const bool post = req.method() == http::verb::post;
  const auto s = segments(ctx.path);
  const auto n = s.size();
  if (n == 2 && s[1] == "login") {
    if (!post) co_return wrong_method(req, "POST");
    co_return co_await handle_login(svc, ctx);
  }
  if (n == 2 && s[1] == "logout") {
    if (!post) co_return wrong_method(req, "POST");
    co_return co_await handle_logout(svc, ctx);
  }
  if (n == 2 && s[1] == "me") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_me(svc, ctx);
  }
  if (n == 2 && s[1] == "events") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_feed(svc, ctx);
  }
  if (n == 2 && s[1] == "operators") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_operators(svc, ctx);
  }
  if (n == 2 && s[1] == "audit") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_audit(svc, ctx);
  }
  if (n == 2 && s[1] == "cases") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_queue(svc, ctx);
  }
  if ((n == 2 && (s[1] == "stats" || s[1] == "stats.csv")) ||
      (n == 3 && s[1] == "stats" && s[2] == "chart.svg")) {
    if (!get) co_return wrong_method(req, "GET");
    std::string what = n == 3 ? "chart" : s[1] == "stats.csv" ? "csv" : "json";
    co_return co_await handle_stats(svc, ctx, std::move(what));
  }
  if (n == 2 && s[1] == "callbacks") {
    if (!get) co_return wrong_method(req, "GET");
    co_return co_await handle_callbacks(svc, ctx);
  }
  if (n == 4 && s[1] == "callbacks" && (s[3] == "done" || s[3] == "cancel")) {
    if (!post) co_return wrong_method(req, "POST");
    const auto id = parse_id(s[2]);
    if (!id) co_return Reply{json_error(req, http::status::not_found, "no such call-back")};
    std::string state = s[3] == "done" ? "done" : "cancelled";
    co_return co_await handle_finish_callback(svc, ctx, *id, std::move(state));
  }
  if (n == 2 && s[1] == "canned") {
    if (!get && !post) co_return wrong_method(req, "GET, POST");
    co_return co_await handle_canned(svc, ctx);
  }
  if (n >= 3 && s[1] == "cases") {
    const auto id = parse_id(s[2]);
    if (!id) co_return Reply{json_error(req, http::status::not_found, "no such case")};
    if (n == 3) {
      if (!get) co_return wrong_method(req, "GET");
      co_return co_await handle_case_view(svc, ctx, *id);
    }
    if (!post) co_return wrong_method(req, "POST");
    if (n == 4) {
      std::string action(s[3]);
      co_return co_await handle_case_action(svc, ctx, *id, std::move(action));
    }
    if (n == 6 && s[3] == "reminders" && s[5] == "cancel") {
      const auto reminder = parse_id(s[4]);
      if (!reminder) co_return Reply{json_error(req, http::status::not_found, "no such reminder")};
      co_return co_await handle_cancel_reminder(svc, ctx, *id, *reminder);
    }
    if (n == 6 && s[3] == "tasks" && s[5] == "status") {
      const auto task = parse_id(s[4]);
      if (!task) co_return Reply{json_error(req, http::status::not_found, "no such task")};
      co_return co_await handle_task_status(svc, ctx, *id, *task);
    }
  }
  co_return not_found(req);
}

Reply handle_page(RequestContext& ctx) {
  if (ctx.path == "/console" || ctx.path == "/console/") ctx.path = "/console/index.html";
  return handle_static(ctx, "");  // the console is never framed
}

}  // namespace ponte::server::console
