// Follow-ups (messages a flow scheduled for later) and erasure on request.
// Both belong to migration 002.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

#include <ctime>

namespace ponte::storage {
namespace {

std::string_view state_name(FollowUpState s) {
  switch (s) {
    case FollowUpState::pending: return "pending";
    case FollowUpState::sent: return "sent";
    case FollowUpState::skipped: return "skipped";
  }
  return "pending";
}

Result<FollowUpState> state_column(const Statement& st, int index) {
  const std::string text = st.column_text(index);
  if (text == "pending") return FollowUpState::pending;
  if (text == "sent") return FollowUpState::sent;
  if (text == "skipped") return FollowUpState::skipped;
  return bad_column("follow_ups.state", text);
}

constexpr std::string_view kColumns =
    "id, contact_id, due_at, text_key, flow, node, state, created_at";

Result<std::vector<FollowUpRow>> read_rows(Statement& st) {
  std::vector<FollowUpRow> rows;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    auto state = state_column(st, 6);
    if (!state) return state.error();
    rows.push_back(FollowUpRow{st.column_int(0), st.column_int(1), st.column_int(2),
                               st.column_text(3), st.column_text(4), st.column_text(5), *state,
                               st.column_int(7)});
  }
  return rows;
}

std::string utc_day(std::int64_t at_ms) {
  const std::time_t t = static_cast<std::time_t>(at_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<void> run(Database& db, std::string_view sql, ContactId contact_id) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  return scope->run();
}

}  // namespace

Result<std::int64_t> add_follow_up(Database& db, const FollowUpRow& row) {
  auto st = db.prepare(
      "INSERT INTO follow_ups (contact_id, due_at, text_key, flow, node, state, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, row.contact_id).bind(2, row.due_at).bind(3, std::string_view(row.text_key));
  scope->bind(4, std::string_view(row.flow)).bind(5, std::string_view(row.node));
  scope->bind(6, state_name(row.state)).bind(7, row.created_at);
  if (auto r = scope->run(); !r) return r.error();
  return db.last_insert_id();
}

Result<std::vector<FollowUpRow>> due_follow_ups(Database& db, std::int64_t now, int limit) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM follow_ups WHERE state = 'pending' AND due_at <= ?1 "
                                 "ORDER BY due_at, id LIMIT ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, now).bind(2, std::int64_t{limit});
  return read_rows(*scope);
}

Result<void> finish_follow_up(Database& db, std::int64_t id, FollowUpState state, std::int64_t at) {
  auto st = db.prepare(
      "UPDATE follow_ups SET state = ?2, done_at = ?3 WHERE id = ?1 AND state = 'pending'");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, state_name(state)).bind(3, at);
  return run_expecting_row(db, *scope, "no pending follow-up " + std::to_string(id));
}

Result<std::vector<FollowUpRow>> list_follow_ups(Database& db, ContactId contact_id) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM follow_ups WHERE contact_id = ?1 ORDER BY id";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  return read_rows(*scope);
}

Result<void> erase_contact_data(Database& db, ContactId contact_id, std::int64_t at) {
  auto contact = get_contact(db, contact_id);
  if (!contact) return contact.error();
  if (!*contact) return fail(Errc::not_found, "no contact " + std::to_string(contact_id));
  // Outbox rows first: some (button acknowledgements) have no transcript row.
  for (const std::string_view sql : {
           std::string_view("DELETE FROM outbox WHERE contact_id = ?1"),
           std::string_view("DELETE FROM messages WHERE contact_id = ?1"),
           std::string_view("DELETE FROM sessions WHERE contact_id = ?1"),
           std::string_view("DELETE FROM follow_ups WHERE contact_id = ?1"),
           std::string_view(
               "UPDATE contacts SET display_name = NULL, language = NULL WHERE id = ?1"),
       }) {
    if (auto r = run(db, sql, contact_id); !r) return r;
  }
  auto cases = db.prepare(
      "UPDATE cases SET reason = '', summary = '', status = 'resolved', updated_at = ?2 "
      "WHERE contact_id = ?1");
  if (!cases) return cases.error();
  {
    StatementScope scope(**cases);
    scope->bind(1, contact_id).bind(2, at);
    if (auto r = scope->run(); !r) return r;
  }
  auto st = db.prepare(
      "INSERT INTO erasures (day, channel, count) VALUES (?1, ?2, 1) "
      "ON CONFLICT (day, channel) DO UPDATE SET count = count + 1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, utc_day(at)).bind(2, to_string((*contact)->channel));
  return scope->run();
}

Result<std::int64_t> count_erasures(Database& db) {
  auto st = db.prepare("SELECT coalesce(sum(count), 0) FROM erasures");
  if (!st) return st.error();
  StatementScope scope(**st);
  auto row = scope->step();
  if (!row) return row.error();
  return scope->column_int(0);
}

}  // namespace ponte::storage
