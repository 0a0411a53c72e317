// The coordinator's numbers (the "observatory"): counts and durations over
// a period, built only from codes (topic, municipality, language, channel,
// outcome) and times, never from names, ids on a platform or message text.
// These queries scan the period's rows; they serve a report, not a hot path.
#include "storage/console.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

// The case's municipality, else the one the bot collected, else 'unknown'.
constexpr std::string_view kMunicipality =
    "coalesce(nullif(c.municipality, ''), json_extract(s.state, '$.contact.municipality'), "
    "'unknown')";

std::string cases_by(std::string_view expression) {
  return "SELECT " + std::string(expression) +
         " AS v, count(*) FROM cases c LEFT JOIN sessions s ON s.contact_id = c.contact_id "
         "WHERE c.created_at >= ?1 AND c.created_at < ?2 GROUP BY v ORDER BY count(*) DESC, v";
}

Result<std::vector<Count>> read_counts(Statement& st) {
  std::vector<Count> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({st.column_optional_text(0).value_or("unknown"), st.column_int(1)});
  }
}

}  // namespace

std::optional<StatsDimension> stats_dimension_from_string(std::string_view text) noexcept {
  if (text == "topic") return StatsDimension::topic;
  if (text == "municipality") return StatsDimension::municipality;
  if (text == "language") return StatsDimension::language;
  if (text == "channel") return StatsDimension::channel;
  if (text == "outcome") return StatsDimension::outcome;
  return std::nullopt;
}

Result<std::vector<Count>> count_cases_by(Database& db, StatsDimension dimension, std::int64_t from,
                                          std::int64_t to) {
  static const std::string topic = cases_by("c.topic");
  static const std::string municipality = cases_by(kMunicipality);
  static const std::string language = cases_by("c.language");
  static const std::string channel = cases_by("c.channel");
  static const std::string outcome = cases_by("coalesce(c.outcome, 'unresolved')");
  const std::string* sql = &topic;
  switch (dimension) {
    case StatsDimension::topic: sql = &topic; break;
    case StatsDimension::municipality: sql = &municipality; break;
    case StatsDimension::language: sql = &language; break;
    case StatsDimension::channel: sql = &channel; break;
    case StatsDimension::outcome: sql = &outcome; break;
  }
  auto st = db.prepare(*sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, from).bind(2, to);
  return read_counts(*scope);
}

Result<std::vector<Count>> count_requests_by(Database& db, StatsDimension dimension,
                                             std::int64_t from, std::int64_t to) {
  static const std::string prefix = "SELECT ";
  static const std::string rest =
      " AS v, count(DISTINCT m.contact_id) FROM messages m JOIN contacts k ON k.id = "
      "m.contact_id WHERE m.direction = 'in' AND m.created_at >= ?1 AND m.created_at < ?2 "
      "GROUP BY v ORDER BY count(DISTINCT m.contact_id) DESC, v";
  static const std::string by_channel = prefix + "k.channel" + rest;
  static const std::string by_language = prefix + "coalesce(k.language, 'unknown')" + rest;
  if (dimension != StatsDimension::channel && dimension != StatsDimension::language) {
    return fail(Errc::invalid, "requests are counted by channel or language");
  }
  auto st = db.prepare(dimension == StatsDimension::channel ? by_channel : by_language);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, from).bind(2, to);
  return read_counts(*scope);
}

Result<std::vector<CaseFact>> case_facts(Database& db, std::int64_t from, std::int64_t to) {
  static const std::string sql =
      "SELECT c.id, c.created_at, c.topic, " + std::string(kMunicipality) +
      ", c.language, c.channel, c.status, c.phase, coalesce(c.outcome, ''), c.priority, "
      "c.claimed_at - c.created_at, c.resolved_at - c.created_at FROM cases c "
      "LEFT JOIN sessions s ON s.contact_id = c.contact_id "
      "WHERE c.created_at >= ?1 AND c.created_at < ?2 ORDER BY c.created_at, c.id";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, from).bind(2, to);
  std::vector<CaseFact> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    CaseFact f;
    f.id = scope->column_int(0);
    f.created_at = scope->column_int(1);
    f.topic = scope->column_text(2);
    f.municipality = scope->column_text(3);
    f.language = scope->column_text(4);
    f.channel = scope->column_text(5);
    f.status = scope->column_text(6);
    f.phase = scope->column_text(7);
    f.outcome = scope->column_text(8);
    f.priority = static_cast<int>(scope->column_int(9));
    f.wait_ms = scope->column_optional_int(10);
    f.resolution_ms = scope->column_optional_int(11);
    out.push_back(std::move(f));
  }
}

}  // namespace ponte::storage
