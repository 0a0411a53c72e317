// Canned answers and reminders (migration 004). A reminder names a canned
// answer, so it reaches the person in their language whenever it falls due;
// the server's reminder loop sends it through the outbox.
#include "storage/console.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

Result<std::vector<CannedAnswer>> read_canned(Statement& st) {
  std::vector<CannedAnswer> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3),
                   st.column_text(4), st.column_int(5)});
  }
}

constexpr std::string_view kReminderSelect =
    "SELECT r.id, r.case_id, r.task_id, r.canned_key, r.vars, r.due_at, r.state, r.created_by, "
    "r.created_at, r.sent_at, coalesce(r.last_error, ''), c.contact_id FROM reminders r "
    "JOIN cases c ON c.id = r.case_id ";

Result<std::vector<Reminder>> read_reminders(Statement& st) {
  std::vector<Reminder> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    Reminder r;
    r.id = st.column_int(0);
    r.case_id = st.column_int(1);
    r.task_id = st.column_optional_int(2);
    r.canned_key = st.column_text(3);
    r.vars_json = st.column_text(4);
    r.due_at = st.column_int(5);
    r.state = st.column_text(6);
    r.created_by = st.column_optional_int(7);
    r.created_at = st.column_int(8);
    r.sent_at = st.column_optional_int(9);
    r.last_error = st.column_text(10);
    r.contact_id = st.column_int(11);
    out.push_back(std::move(r));
  }
}

}  // namespace

Result<std::int64_t> put_canned_answer(Database& db, const CannedAnswer& a) {
  if (a.key.empty() || a.key.size() > 64) return fail(Errc::invalid, "a key has 1 to 64 bytes");
  if (a.language.size() < 2 || a.language.size() > 16) {
    return fail(Errc::invalid, "a language is a code like \"it\" or \"ar\"");
  }
  if (a.title.empty() || a.title.size() > 200)
    return fail(Errc::invalid, "a title has 1 to 200 bytes");
  if (a.body.empty()) return fail(Errc::invalid, "an answer needs text");
  if (a.body.size() > 4000) return fail(Errc::too_large, "an answer holds at most 4000 bytes");
  auto st = db.prepare(
      "INSERT INTO canned_answers (key, language, title, body, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key, language) DO UPDATE SET "
      "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, a.key).bind(2, a.language).bind(3, a.title).bind(4, a.body).bind(5, a.updated_at);
  if (auto r = scope->run(); !r) return r.error();
  auto id = db.prepare("SELECT id FROM canned_answers WHERE key = ?1 AND language = ?2");
  if (!id) return id.error();
  StatementScope read(**id);
  read->bind(1, a.key).bind(2, a.language);
  auto row = read->step();
  if (!row) return row.error();
  return read->column_int(0);
}

Result<std::vector<CannedAnswer>> list_canned_answers(Database& db) {
  auto st = db.prepare(
      "SELECT id, key, language, title, body, updated_at FROM canned_answers "
      "ORDER BY key, language");
  if (!st) return st.error();
  StatementScope scope(**st);
  return read_canned(*scope);
}

Result<std::vector<CannedAnswer>> canned_versions(Database& db, std::string_view key) {
  auto st = db.prepare(
      "SELECT id, key, language, title, body, updated_at FROM canned_answers WHERE key = ?1 "
      "ORDER BY language");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, key);
  return read_canned(*scope);
}

Result<std::int64_t> add_reminder(Database& db, const Reminder& r) {
  auto c = get_console_case(db, r.case_id);
  if (!c) return c.error();
  if (!*c) return fail(Errc::not_found, "no case " + std::to_string(r.case_id));
  if (r.task_id) {
    auto st = db.prepare("SELECT count(*) FROM case_tasks WHERE id = ?1 AND case_id = ?2");
    if (!st) return st.error();
    StatementScope scope(**st);
    scope->bind(1, *r.task_id).bind(2, r.case_id);
    auto row = scope->step();
    if (!row) return row.error();
    if (scope->column_int(0) == 0) {
      return fail(Errc::not_found, "no task " + std::to_string(*r.task_id) + " in this case");
    }
  }
  auto versions = canned_versions(db, r.canned_key);
  if (!versions) return versions.error();
  if (versions->empty()) {
    return fail(Errc::invalid, "no canned answer \"" + r.canned_key + "\"");
  }
  auto st = db.prepare(
      "INSERT INTO reminders (case_id, task_id, canned_key, vars, due_at, created_by, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, r.case_id).bind(2, r.task_id).bind(3, r.canned_key).bind(4, r.vars_json);
  scope->bind(5, r.due_at).bind(6, r.created_by).bind(7, r.created_at);
  if (auto done = scope->run(); !done) return done.error();
  return db.last_insert_id();
}

Result<std::vector<Reminder>> list_case_reminders(Database& db, std::int64_t case_id) {
  static const std::string sql =
      std::string(kReminderSelect) + "WHERE r.case_id = ?1 ORDER BY r.due_at, r.id";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id);
  return read_reminders(*scope);
}

Result<std::vector<Reminder>> due_reminders(Database& db, std::int64_t now, int limit) {
  static const std::string sql = std::string(kReminderSelect) +
                                 "WHERE r.state = 'pending' AND r.due_at <= ?1 "
                                 "ORDER BY r.due_at, r.id LIMIT ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, now).bind(2, std::int64_t{limit});
  return read_reminders(*scope);
}

Result<std::optional<Reminder>> get_reminder(Database& db, std::int64_t id) {
  static const std::string sql = std::string(kReminderSelect) + "WHERE r.id = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id);
  auto rows = read_reminders(*scope);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Reminder>();
  return std::optional<Reminder>(std::move(rows->front()));
}

Result<void> finish_reminder(Database& db, std::int64_t id, std::string_view state, std::int64_t at,
                             std::string_view error) {
  if (state != "sent" && state != "failed" && state != "cancelled") {
    return fail(Errc::invalid, "a reminder ends sent, failed or cancelled");
  }
  auto st = db.prepare(
      "UPDATE reminders SET state = ?2, sent_at = CASE WHEN ?2 = 'sent' THEN ?3 END, "
      "last_error = nullif(?4, '') WHERE id = ?1 AND state = 'pending'");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, state).bind(3, at).bind(4, error);
  if (auto r = scope->run(); !r) return r;
  if (db.changes() == 0) {
    return fail(Errc::conflict, "reminder " + std::to_string(id) + " is not pending");
  }
  return {};
}

}  // namespace ponte::storage
