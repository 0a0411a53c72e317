// Cases: the handoff queue. Operators take queued cases by priority
// (0 urgent, 1 high, 2 normal), then by how long the person has waited.
// A person has at most one open case: asking for a human twice must not put
// them in the queue twice, but an urgent second request raises the first.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

constexpr std::string_view kColumns =
    "id, contact_id, status, phase, priority, topic, reason, summary, language, channel, "
    "created_at, updated_at";

std::string_view status_name(CaseStatus status) {
  switch (status) {
    case CaseStatus::queued: return "queued";
    case CaseStatus::claimed: return "claimed";
    case CaseStatus::resolved: return "resolved";
  }
  return "queued";
}

Result<CaseStatus> status_column(const Statement& st, int index) {
  const std::string text = st.column_text(index);
  if (text == "queued") return CaseStatus::queued;
  if (text == "claimed") return CaseStatus::claimed;
  if (text == "resolved") return CaseStatus::resolved;
  return bad_column("cases.status", text);
}

Result<CaseRow> read_case(const Statement& st) {
  auto status = status_column(st, 2);
  if (!status) return status.error();
  auto channel = channel_column(st, 9, "cases.channel");
  if (!channel) return channel.error();
  CaseRow c;
  c.id = st.column_int(0);
  c.contact_id = st.column_int(1);
  c.status = *status;
  c.phase = st.column_text(3);
  c.priority = static_cast<int>(st.column_int(4));
  c.topic = st.column_text(5);
  c.reason = st.column_text(6);
  c.summary = st.column_text(7);
  c.language = st.column_text(8);
  c.channel = *channel;
  c.created_at = st.column_int(10);
  c.updated_at = st.column_int(11);
  return c;
}

// Steps `st` to its end, collecting rows.
Result<std::vector<CaseRow>> read_cases(Statement& st) {
  std::vector<CaseRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    auto c = read_case(st);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
}

Result<std::optional<CaseRow>> open_case_of(Database& db, ContactId contact_id) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM cases WHERE contact_id = ?1 AND status IN "
                                 "('queued', 'claimed') ORDER BY id LIMIT 1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  auto rows = read_cases(*scope);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<CaseRow>();
  return std::optional<CaseRow>(std::move(rows->front()));
}

Result<CaseRow> raise_priority(Database& db, CaseRow open, int priority, std::int64_t at) {
  auto st = db.prepare("UPDATE cases SET priority = ?2, updated_at = ?3 WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  if (auto r = scope->bind(1, open.id).bind(2, std::int64_t{priority}).bind(3, at).run(); !r) {
    return r.error();
  }
  open.priority = priority;
  open.updated_at = at;
  return open;
}

Result<CaseRow> insert_case(Database& db, const NewCase& c) {
  auto st = db.prepare(
      "INSERT INTO cases (contact_id, status, priority, topic, reason, summary, language, "
      "channel, created_at, updated_at) VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, c.contact_id).bind(2, std::int64_t{c.priority}).bind(3, std::string_view(c.topic));
  scope->bind(4, std::string_view(c.reason))
      .bind(5, std::string_view(c.summary))
      .bind(6, std::string_view(c.language));
  scope->bind(7, to_string(c.channel)).bind(8, c.created_at);
  if (auto r = scope->run(); !r) return r.error();
  CaseRow row{db.last_insert_id(), c.contact_id, CaseStatus::queued, "screening",
              c.priority,          c.topic,      c.reason,           c.summary,
              c.language,          c.channel,    c.created_at,       c.created_at};
  return row;
}

}  // namespace

Result<CaseRow> open_case(Database& db, const NewCase& c) {
  if (c.priority < 0 || c.priority > 2) {
    return fail(Errc::invalid,
                "case priority must be 0, 1 or 2, not " + std::to_string(c.priority));
  }
  auto open = raise_open_case(db, c.contact_id, c.priority, c.created_at);
  if (!open) return open.error();
  if (!*open) return insert_case(db, c);
  return std::move(**open);
}

Result<std::optional<CaseRow>> raise_open_case(Database& db, ContactId contact_id, int priority,
                                               std::int64_t at) {
  auto open = open_case_of(db, contact_id);
  if (!open || !*open || priority >= (*open)->priority) return open;
  auto raised = raise_priority(db, std::move(**open), priority, at);
  if (!raised) return raised.error();
  return std::optional<CaseRow>(std::move(*raised));
}

// Row values compare (priority, created_at, id) lexicographically: the same
// order the operator's queue uses, and the cases_queue index serves it.
Result<std::int64_t> queue_position(Database& db, std::int64_t case_id) {
  auto st = db.prepare(
      "SELECT CASE WHEN c.status <> 'queued' THEN 0 ELSE 1 + (SELECT count(*) FROM cases o "
      "WHERE o.status = 'queued' AND (o.priority, o.created_at, o.id) < "
      "(c.priority, c.created_at, c.id)) END FROM cases c WHERE c.id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id);
  auto row = scope->step();
  if (!row) return row.error();
  if (!*row) return fail(Errc::not_found, "no case " + std::to_string(case_id));
  return scope->column_int(0);
}

// Queue order in both forms, so "all cases" reads like the queue with the
// claimed and resolved ones mixed in at their place.
Result<std::vector<CaseRow>> list_cases(Database& db, std::optional<CaseStatus> status, int limit) {
  static const std::string by_status = "SELECT " + std::string(kColumns) +
                                       " FROM cases WHERE status = ?1 "
                                       "ORDER BY priority, created_at, id LIMIT ?2";
  static const std::string all =
      "SELECT " + std::string(kColumns) + " FROM cases ORDER BY priority, created_at, id LIMIT ?2";
  auto st = db.prepare(status ? by_status : all);
  if (!st) return st.error();
  StatementScope scope(**st);
  if (status) scope->bind(1, status_name(*status));
  scope->bind(2, std::int64_t{limit});
  return read_cases(*scope);
}

}  // namespace ponte::storage
