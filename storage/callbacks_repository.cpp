// Call-back requests (migration 004): the list operators work through.
#include "storage/console.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {

Result<std::int64_t> request_callback(Database& db, const Callback& c) {
  if (c.phone.empty()) return fail(Errc::invalid, "a call-back needs a phone number");
  if (c.case_id) {
    auto open = db.prepare(
        "UPDATE callbacks SET phone = ?2, slots = ?3 WHERE case_id = ?1 AND state = 'requested' "
        "RETURNING id");
    if (!open) return open.error();
    StatementScope scope(**open);
    scope->bind(1, *c.case_id).bind(2, c.phone).bind(3, c.slots);
    auto row = scope->step();
    if (!row) return row.error();
    if (*row) return scope->column_int(0);
  }
  auto st = db.prepare(
      "INSERT INTO callbacks (contact_id, case_id, phone, slots, language, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, c.contact_id).bind(2, c.case_id).bind(3, c.phone).bind(4, c.slots);
  if (auto r = scope->bind(5, c.language).bind(6, c.created_at).run(); !r) return r.error();
  return db.last_insert_id();
}

Result<std::vector<Callback>> list_callbacks(Database& db, int limit) {
  auto st = db.prepare(
      "SELECT b.id, b.contact_id, b.case_id, b.phone, b.slots, b.language, b.state, "
      "coalesce(o.name, ''), b.done_at, b.created_at, k.channel FROM callbacks b "
      "JOIN contacts k ON k.id = b.contact_id LEFT JOIN operators o ON o.id = b.done_by "
      "ORDER BY b.state <> 'requested', CASE WHEN b.state = 'requested' THEN b.created_at "
      "ELSE -b.done_at END, b.id LIMIT ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, std::int64_t{limit});
  std::vector<Callback> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    Callback c;
    c.id = scope->column_int(0);
    c.contact_id = scope->column_int(1);
    c.case_id = scope->column_optional_int(2);
    c.phone = scope->column_text(3);
    c.slots = scope->column_text(4);
    c.language = scope->column_text(5);
    c.state = scope->column_text(6);
    c.done_by_name = scope->column_text(7);
    c.done_at = scope->column_optional_int(8);
    c.created_at = scope->column_int(9);
    c.channel = scope->column_text(10);
    out.push_back(std::move(c));
  }
}

Result<void> finish_callback(Database& db, std::int64_t id, std::string_view state,
                             std::int64_t operator_id, std::int64_t at) {
  if (state != "done" && state != "cancelled") {
    return fail(Errc::invalid, "a call-back ends done or cancelled");
  }
  auto st = db.prepare(
      "UPDATE callbacks SET state = ?2, done_by = ?3, done_at = ?4 "
      "WHERE id = ?1 AND state = 'requested'");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, state).bind(3, operator_id).bind(4, at);
  if (auto r = scope->run(); !r) return r;
  if (db.changes() > 0) return {};
  auto exists = db.prepare("SELECT count(*) FROM callbacks WHERE id = ?1");
  if (!exists) return exists.error();
  StatementScope check(**exists);
  check->bind(1, id);
  auto row = check->step();
  if (!row) return row.error();
  if (check->column_int(0) == 0) return fail(Errc::not_found, "no call-back " + std::to_string(id));
  return fail(Errc::conflict, "call-back " + std::to_string(id) + " is already closed");
}

}  // namespace ponte::storage
