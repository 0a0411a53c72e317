// follow_up: schedules a message for later, in the person's language of
// that moment, then goes on at once. `delay` counts from the message that
// reached the node ("30m", "2h", "3d", "1w"); `at` is a fixed time in UTC
// ("2026-12-01 09:30" or "2026-12-01", which means 09:00). The server keeps
// it and skips it if the person paused messages, erased their data or
// cannot be reached by then.
//   {"id": "remind", "kind": "follow_up", "text": "permit.reminder", "delay": "3d",
//    "next": "menu"}
#include "bot/engine/nodes/node_kind.hpp"

#include <charconv>

namespace ponte::engine {
namespace {

constexpr auto kMaxDelay = std::chrono::days(366);

std::optional<std::chrono::seconds> parse_delay(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  long long n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || end != s.data() + s.size() - 1 || n <= 0) return std::nullopt;
  std::chrono::seconds unit{0};
  switch (s.back()) {
    case 'm': unit = std::chrono::minutes(1); break;
    case 'h': unit = std::chrono::hours(1); break;
    case 'd': unit = std::chrono::days(1); break;
    case 'w': unit = std::chrono::weeks(1); break;
    default: return std::nullopt;
  }
  if (n > kMaxDelay / unit) return std::nullopt;
  return unit * n;
}

std::optional<TimePoint> parse_at(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 9, mi = 0;
  auto number = [&s](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && end == s.data() + pos + len;
  };
  const bool date = s.size() >= 10 && s[4] == '-' && s[7] == '-' && number(0, 4, y) &&
                    number(5, 2, mo) && number(8, 2, d);
  if (!date) return std::nullopt;
  if (s.size() != 10 && !(s.size() == 16 && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' &&
                          number(11, 2, h) && number(14, 2, mi) && h < 24 && mi < 60)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  // The clock counts nanoseconds in 64 bits: years past 2262 overflow it.
  if (!ymd.ok() || y < 1970 || y > 2200) return std::nullopt;
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi);
}

void parse(Fields& f, Node& node) {
  FollowUpNode body;
  body.text = read_text(f, "text", Need::required, node);
  const std::string delay = f.string("delay", Need::optional);
  const std::string at = f.string("at", Need::optional);
  if (delay.empty() == at.empty()) {
    f.ctx().error(delay.empty() ? f.pointer() : f.pointer("at"),
                  "a follow_up needs exactly one of \"delay\" (\"3d\") or \"at\" (\"2026-12-01\")");
  } else if (!delay.empty()) {
    if (const auto d = parse_delay(delay)) {
      body.delay = *d;
    } else {
      f.ctx().error(f.pointer("delay"), "delay " + in_quotes(delay) +
                                            " is not a number followed by m, h, d or w "
                                            "(minutes, hours, days, weeks), at most a year");
    }
  } else if (const auto t = parse_at(at)) {
    body.at = *t;
  } else {
    f.ctx().error(
        f.pointer("at"),
        "at " + in_quotes(at) +
            " is not a date \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" (UTC, years 1970 to 2200)");
  }
  body.next = read_next(f, "next", Need::required, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<FollowUpNode>(node.body);
  FollowUp effect;
  effect.due = body.at ? *body.at : run.now() + body.delay;
  effect.text_key = body.text;
  effect.flow = run.state().flow;
  effect.node = node.id;
  run.effect(std::move(effect));
  run.move_to(body.next);
  return Next::go;
}

}  // namespace

const NodeKindOps& follow_up_kind() {
  static const NodeKindOps ops{"follow_up", NodeKind::follow_up, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
