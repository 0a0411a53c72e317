// Cases as operators work them (migration 004): the queue with its
// filters, claims, transfers, outcomes, phases, notes and action-plan tasks.
// Every change bumps cases.version; a change against an older version is a
// conflict, so two operators editing one case never overwrite each other.
#include "storage/console.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

// `waiting`: the person wrote and no operator has answered since (the bot's
// "you are in the queue" does not count). The messages_contact index serves it.
constexpr std::string_view kSelect =
    "SELECT c.id, c.contact_id, c.status, c.phase, c.priority, c.topic, c.reason, c.summary, "
    "c.language, c.channel, c.created_at, c.updated_at, c.claimed_by, coalesce(o.name, ''), "
    "c.claimed_at, c.resolved_at, coalesce(c.outcome, ''), coalesce(c.municipality, ''), "
    "c.version, coalesce((SELECT max(m.id) FROM messages m WHERE m.contact_id = c.contact_id "
    "AND m.direction = 'in'), 0) > coalesce((SELECT max(m.id) FROM messages m WHERE "
    "m.contact_id = c.contact_id AND m.direction = 'out' AND m.kind = 'operator'), 0), "
    "k.last_inbound_at "
    "FROM cases c JOIN contacts k ON k.id = c.contact_id "
    "LEFT JOIN operators o ON o.id = c.claimed_by ";

Result<ConsoleCase> read_console_case(const Statement& st) {
  const auto status_text = st.column_text(2);
  auto status = case_status_from_string(status_text);
  if (!status) return bad_column("cases.status", status_text);
  auto channel = channel_column(st, 9, "cases.channel");
  if (!channel) return channel.error();
  ConsoleCase c;
  auto& r = c.row;
  r.id = st.column_int(0);
  r.contact_id = st.column_int(1);
  r.status = *status;
  r.phase = st.column_text(3);
  r.priority = static_cast<int>(st.column_int(4));
  r.topic = st.column_text(5);
  r.reason = st.column_text(6);
  r.summary = st.column_text(7);
  r.language = st.column_text(8);
  r.channel = *channel;
  r.created_at = st.column_int(10);
  r.updated_at = st.column_int(11);
  c.claimed_by = st.column_optional_int(12);
  c.claimed_by_name = st.column_text(13);
  c.claimed_at = st.column_optional_int(14);
  c.resolved_at = st.column_optional_int(15);
  c.outcome = st.column_text(16);
  c.municipality = st.column_text(17);
  c.version = st.column_int(18);
  c.waiting = st.column_int(19) != 0;
  c.last_inbound_at = st.column_optional_int(20);
  return c;
}

Result<std::vector<ConsoleCase>> read_all(Statement& st) {
  std::vector<ConsoleCase> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    auto c = read_console_case(st);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
}

// The case as it stands, checked against what the caller saw.
Result<ConsoleCase> current(Database& db, const CaseChange& change) {
  auto c = get_console_case(db, change.case_id);
  if (!c) return c.error();
  if (!*c) return fail(Errc::not_found, "no case " + std::to_string(change.case_id));
  if (change.expected_version && *change.expected_version != (*c)->version) {
    return fail(Errc::conflict, "case " + std::to_string(change.case_id) +
                                    " was changed by someone else (version " +
                                    std::to_string((*c)->version) + "); reload it");
  }
  return std::move(**c);
}

Result<void> require_status(const ConsoleCase& c, CaseStatus wanted) {
  if (c.row.status == wanted) return {};
  return fail(Errc::conflict, "case " + std::to_string(c.row.id) + " is " +
                                  std::string(to_string(c.row.status)) + ", not " +
                                  std::string(to_string(wanted)));
}

// One UPDATE shape for every change: the columns a change sets, the version
// bump, and the version it was checked against (belt and braces: the writer
// is single-threaded, so the check in current() already holds).
Result<ConsoleCase> update(Database& db, const CaseChange& change, const ConsoleCase& seen,
                           std::string_view status, std::optional<std::int64_t> claimed_by,
                           std::string_view phase, std::string_view outcome) {
  auto st = db.prepare(
      "UPDATE cases SET status = ?3, claimed_by = ?4, "
      "claimed_at = CASE WHEN ?4 IS NULL THEN NULL WHEN claimed_by IS ?4 THEN claimed_at "
      "ELSE ?5 END, "
      "phase = ?6, outcome = nullif(?7, ''), "
      "resolved_at = CASE WHEN ?3 = 'resolved' THEN ?5 ELSE NULL END, "
      "version = version + 1, updated_at = ?5 WHERE id = ?1 AND version = ?2");
  if (!st) return st.error();
  {
    StatementScope scope(**st);
    scope->bind(1, change.case_id).bind(2, seen.version).bind(3, status).bind(4, claimed_by);
    scope->bind(5, change.now).bind(6, phase).bind(7, outcome);
    if (auto r = run_expecting_row(db, *scope, "case changed meanwhile"); !r) {
      if (r.error().code == Errc::not_found) return fail(Errc::conflict, r.error().message);
      return r.error();
    }
  }
  auto after = get_console_case(db, change.case_id);
  if (!after) return after.error();
  return std::move(**after);
}

}  // namespace

std::string_view to_string(CaseStatus status) noexcept {
  switch (status) {
    case CaseStatus::queued: return "queued";
    case CaseStatus::claimed: return "claimed";
    case CaseStatus::resolved: return "resolved";
  }
  return "queued";
}

std::optional<CaseStatus> case_status_from_string(std::string_view text) noexcept {
  if (text == "queued") return CaseStatus::queued;
  if (text == "claimed") return CaseStatus::claimed;
  if (text == "resolved") return CaseStatus::resolved;
  return std::nullopt;
}

bool valid_phase(std::string_view p) noexcept {
  return p == "screening" || p == "assessment" || p == "planning" || p == "intervention" ||
         p == "resolution";
}

bool valid_outcome(std::string_view o) noexcept {
  return o == "information" || o == "referral" || o == "service_booked" || o == "no_reply" ||
         o == "not_eligible" || o == "duplicate" || o == "handed_back" || o == "other";
}

Result<std::vector<ConsoleCase>> list_console_cases(Database& db, const CaseFilter& f) {
  static const std::string sql =
      std::string(kSelect) +
      "WHERE (CASE WHEN ?1 IS NULL THEN c.status IN ('queued', 'claimed') ELSE c.status = ?1 END) "
      "AND (?2 = '' OR c.language = ?2) AND (?3 = '' OR c.topic = ?3) "
      "ORDER BY c.priority, c.created_at, c.id LIMIT ?4";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  if (f.status) scope->bind(1, to_string(*f.status));
  scope->bind(2, f.language).bind(3, f.topic).bind(4, std::int64_t{f.limit});
  return read_all(*scope);
}

Result<std::optional<ConsoleCase>> get_console_case(Database& db, std::int64_t case_id) {
  static const std::string sql = std::string(kSelect) + "WHERE c.id = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id);
  auto rows = read_all(*scope);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ConsoleCase>();
  return std::optional<ConsoleCase>(std::move(rows->front()));
}

Result<std::vector<ConsoleCase>> list_contact_cases(Database& db, ContactId contact_id) {
  static const std::string sql =
      std::string(kSelect) + "WHERE c.contact_id = ?1 ORDER BY c.id DESC LIMIT 50";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  return read_all(*scope);
}

Result<void> set_session_mode(Database& db, ContactId contact_id, SessionMode mode,
                              std::int64_t now) {
  auto st = db.prepare(
      "INSERT INTO sessions (contact_id, state, mode, updated_at) VALUES (?1, '{}', ?2, ?3) "
      "ON CONFLICT (contact_id) DO UPDATE SET mode = excluded.mode, updated_at = "
      "excluded.updated_at");
  if (!st) return st.error();
  StatementScope scope(**st);
  return scope->bind(1, contact_id)
      .bind(2, mode == SessionMode::human ? "human" : "bot")
      .bind(3, now)
      .run();
}

Result<ConsoleCase> claim_case(Database& db, const CaseChange& change, std::int64_t operator_id) {
  auto c = current(db, change);
  if (!c) return c.error();
  if (c->row.status == CaseStatus::claimed) {
    return fail(Errc::conflict, "case " + std::to_string(change.case_id) +
                                    " is already claimed by " + c->claimed_by_name);
  }
  if (auto r = require_status(*c, CaseStatus::queued); !r) return r.error();
  auto done = update(db, change, *c, "claimed", operator_id, c->row.phase, "");
  if (!done) return done.error();
  if (auto r = set_session_mode(db, c->row.contact_id, SessionMode::human, change.now); !r) {
    return r.error();
  }
  return done;
}

Result<ConsoleCase> release_case(Database& db, const CaseChange& change) {
  auto c = current(db, change);
  if (!c) return c.error();
  if (auto r = require_status(*c, CaseStatus::claimed); !r) return r.error();
  auto done = update(db, change, *c, "queued", std::nullopt, c->row.phase, "");
  if (!done) return done.error();
  if (auto r = set_session_mode(db, c->row.contact_id, SessionMode::bot, change.now); !r) {
    return r.error();
  }
  return done;
}

Result<ConsoleCase> transfer_case(Database& db, const CaseChange& change,
                                  std::int64_t to_operator) {
  auto c = current(db, change);
  if (!c) return c.error();
  if (auto r = require_status(*c, CaseStatus::claimed); !r) return r.error();
  auto to = get_operator(db, to_operator);
  if (!to) return to.error();
  if (!*to || (*to)->disabled || (*to)->role == Role::author) {
    return fail(Errc::invalid, "no active operator " + std::to_string(to_operator));
  }
  return update(db, change, *c, "claimed", to_operator, c->row.phase, "");
}

Result<ConsoleCase> resolve_case(Database& db, const CaseChange& change, std::string_view outcome) {
  if (!valid_outcome(outcome)) {
    return fail(Errc::invalid, "unknown outcome \"" + std::string(outcome) + "\"");
  }
  auto c = current(db, change);
  if (!c) return c.error();
  if (c->row.status == CaseStatus::resolved) {
    return fail(Errc::conflict, "case " + std::to_string(change.case_id) + " is resolved already");
  }
  auto done = update(db, change, *c, "resolved", c->claimed_by, "resolution", outcome);
  if (!done) return done.error();
  if (auto r = set_session_mode(db, c->row.contact_id, SessionMode::bot, change.now); !r) {
    return r.error();
  }
  return done;
}

Result<ConsoleCase> set_case_phase(Database& db, const CaseChange& change, std::string_view phase) {
  if (!valid_phase(phase))
    return fail(Errc::invalid, "unknown phase \"" + std::string(phase) + "\"");
  auto c = current(db, change);
  if (!c) return c.error();
  if (c->row.status == CaseStatus::resolved) {
    return fail(Errc::conflict, "case " + std::to_string(change.case_id) + " is resolved");
  }
  return update(db, change, *c, to_string(c->row.status), c->claimed_by, phase, c->outcome);
}

Result<std::int64_t> add_case_note(Database& db, std::int64_t case_id, std::int64_t operator_id,
                                   std::string_view body, std::int64_t now) {
  if (body.empty()) return fail(Errc::invalid, "a note needs text");
  if (body.size() > kMaxNoteBytes) {
    return fail(Errc::too_large,
                "a note holds at most " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  auto c = get_console_case(db, case_id);
  if (!c) return c.error();
  if (!*c) return fail(Errc::not_found, "no case " + std::to_string(case_id));
  auto st = db.prepare(
      "INSERT INTO case_notes (case_id, operator_id, body, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id).bind(2, operator_id).bind(3, body).bind(4, now);
  if (auto r = scope->run(); !r) return r.error();
  return db.last_insert_id();
}

Result<std::vector<CaseNote>> list_case_notes(Database& db, std::int64_t case_id) {
  auto st = db.prepare(
      "SELECT n.id, n.case_id, n.operator_id, coalesce(o.name, ''), n.body, n.created_at "
      "FROM case_notes n LEFT JOIN operators o ON o.id = n.operator_id WHERE n.case_id = ?1 "
      "ORDER BY n.id");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id);
  std::vector<CaseNote> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({scope->column_int(0), scope->column_int(1), scope->column_optional_int(2),
                   scope->column_text(3), scope->column_text(4), scope->column_int(5)});
  }
}

Result<std::int64_t> add_case_task(Database& db, const CaseTask& t) {
  if (t.title.empty()) return fail(Errc::invalid, "a task needs a title");
  if (t.title.size() > kMaxTaskTitleBytes) {
    return fail(Errc::too_large,
                "a task title holds at most " + std::to_string(kMaxTaskTitleBytes) + " bytes");
  }
  auto c = get_console_case(db, t.case_id);
  if (!c) return c.error();
  if (!*c) return fail(Errc::not_found, "no case " + std::to_string(t.case_id));
  if (t.owner_id) {
    auto owner = get_operator(db, *t.owner_id);
    if (!owner) return owner.error();
    if (!*owner) return fail(Errc::invalid, "no operator " + std::to_string(*t.owner_id));
  }
  auto st = db.prepare(
      "INSERT INTO case_tasks (case_id, title, owner_id, due_at, status, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?5)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, t.case_id).bind(2, t.title).bind(3, t.owner_id).bind(4, t.due_at);
  if (auto r = scope->bind(5, t.created_at).run(); !r) return r.error();
  return db.last_insert_id();
}

Result<void> set_case_task_status(Database& db, std::int64_t case_id, std::int64_t task_id,
                                  std::string_view status, std::int64_t now) {
  if (status != "open" && status != "done" && status != "cancelled") {
    return fail(Errc::invalid,
                "a task is open, done or cancelled, not \"" + std::string(status) + "\"");
  }
  auto st = db.prepare(
      "UPDATE case_tasks SET status = ?3, updated_at = ?4 WHERE id = ?2 AND case_id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id).bind(2, task_id).bind(3, status).bind(4, now);
  return run_expecting_row(
      db, *scope, "no task " + std::to_string(task_id) + " in case " + std::to_string(case_id));
}

Result<std::vector<CaseTask>> list_case_tasks(Database& db, std::int64_t case_id) {
  auto st = db.prepare(
      "SELECT t.id, t.case_id, t.title, t.owner_id, coalesce(o.name, ''), t.due_at, t.status, "
      "t.created_at, t.updated_at FROM case_tasks t LEFT JOIN operators o ON o.id = t.owner_id "
      "WHERE t.case_id = ?1 ORDER BY t.id");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id);
  std::vector<CaseTask> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    CaseTask t;
    t.id = scope->column_int(0);
    t.case_id = scope->column_int(1);
    t.title = scope->column_text(2);
    t.owner_id = scope->column_optional_int(3);
    t.owner_name = scope->column_text(4);
    t.due_at = scope->column_optional_int(5);
    t.status = scope->column_text(6);
    t.created_at = scope->column_int(7);
    t.updated_at = scope->column_int(8);
    out.push_back(std::move(t));
  }
}

}  // namespace ponte::storage
