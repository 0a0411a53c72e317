// The coordinator's view (supervisors and admins): counts of requests and
// cases by topic, municipality, language, channel and outcome over a period,
// median waiting and resolution times, a bar chart per dimension drawn here
// as SVG, and a CSV export of case facts. Nothing here carries a name, a
// phone number, a platform id or message text: only codes and durations.
#include "bot/core/log.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/console/stats_render.hpp"

#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>

namespace ponte::server::console {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kDefaultPeriodMs = 30 * kDayMs;
constexpr std::int64_t kMaxPeriodMs = 3660 * kDayMs;
constexpr std::pair<std::string_view, storage::StatsDimension> kDimensions[] = {
    {"topic", storage::StatsDimension::topic},
    {"municipality", storage::StatsDimension::municipality},
    {"language", storage::StatsDimension::language},
    {"channel", storage::StatsDimension::channel},
    {"outcome", storage::StatsDimension::outcome}};

struct Period {
  std::int64_t from = 0, to = 0;
};

// ?from=&to= in unix ms; default: the last 30 days.
Result<Period> period_of(const RequestContext& ctx, std::int64_t now) {
  Period p{now - kDefaultPeriodMs, now + 1};
  for (auto [name, target] : {std::pair{"from", &p.from}, std::pair{"to", &p.to}}) {
    auto text = query_param(ctx.query, name);
    if (!text || text->empty()) continue;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size() || v < 0) {
      return fail(Errc::parse, std::string("\"") + name + "\" must be unix milliseconds");
    }
    *target = v;
  }
  if (p.to <= p.from || p.to - p.from > kMaxPeriodMs) {
    return fail(Errc::invalid, "the period must be from < to, at most ten years");
  }
  return p;
}

std::optional<std::int64_t> median(std::vector<std::int64_t> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Json counts_json(const std::vector<storage::Count>& counts) {
  Json out = Json::array();
  for (const auto& c : counts) out.push_back({{"value", c.value}, {"count", c.count}});
  return out;
}

}  // namespace

net::awaitable<Reply> handle_stats(Services& svc, RequestContext& ctx, std::string what) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kSupervisors);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto period = period_of(ctx, now_ms(svc));
  if (!period) co_return Reply{error_reply(req, period.error())};
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto& db = **reader;
  if (what == "chart") {
    const auto name = query_param(ctx.query, "dimension").value_or("");
    const auto dimension = storage::stats_dimension_from_string(name);
    if (!dimension) co_return Reply{error_reply(req, fail(Errc::invalid, "unknown dimension"))};
    auto counts = storage::count_cases_by(db, *dimension, period->from, period->to);
    if (!counts) co_return Reply{error_reply(req, counts.error())};
    auto res = make_response(req, http::status::ok, bar_chart_svg(name, *counts), "image/svg+xml");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    co_return Reply{std::move(res)};
  }
  auto facts = storage::case_facts(db, period->from, period->to);
  if (!facts) co_return Reply{error_reply(req, facts.error())};
  if (what == "csv") {
    svc.writer.submit(
        [entry =
             audit_of(*access.caller, "stats.export", std::nullopt,
                      "from=" + std::to_string(period->from) + " to=" + std::to_string(period->to),
                      now_ms(svc))](storage::Database& w) { return storage::add_audit(w, entry); },
        [](Result<void> r) {
          if (!r) log::error("console.audit_failed", {{"error", r.error().message}});
        });
    auto res =
        make_response(req, http::status::ok, case_facts_csv(*facts), "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"ponte-cases.csv\"");
    res.set(http::field::cache_control, "no-store");
    co_return Reply{std::move(res)};
  }
  Json out = {{"from", period->from}, {"to", period->to}, {"cases_total", facts->size()}};
  Json cases = Json::object();
  for (const auto& [name, dimension] : kDimensions) {
    auto counts = storage::count_cases_by(db, dimension, period->from, period->to);
    if (!counts) co_return Reply{error_reply(req, counts.error())};
    cases[std::string(name)] = counts_json(*counts);
  }
  out["cases"] = std::move(cases);
  Json requests = Json::object();
  for (auto dimension : {storage::StatsDimension::channel, storage::StatsDimension::language}) {
    auto counts = storage::count_requests_by(db, dimension, period->from, period->to);
    if (!counts) co_return Reply{error_reply(req, counts.error())};
    requests[dimension == storage::StatsDimension::channel ? "channel" : "language"] =
        counts_json(*counts);
  }
  out["requests"] = std::move(requests);
  std::vector<std::int64_t> waits, resolutions;
  for (const auto& f : *facts) {
    if (f.wait_ms) waits.push_back(*f.wait_ms);
    if (f.resolution_ms) resolutions.push_back(*f.resolution_ms);
  }
  const auto wait = median(waits);
  const auto resolution = median(resolutions);
  out["median_wait_ms"] = wait ? Json(*wait) : Json();
  out["median_resolution_ms"] = resolution ? Json(*resolution) : Json();
  co_return Reply{json_reply(req, out)};
}

}  // namespace ponte::server::console
