// Outbox: replies waiting to be delivered, written in the same transaction
// as the turn that produced them, so a reply exists exactly when its turn
// does. The sender moves a row pending -> sent, or keeps it pending with a
// later next_attempt_at, or dead-letters it; each move updates the
// transcript row too, in the same transaction, so the console never
// shows "queued" for a message that was delivered or gave up.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

constexpr std::string_view kColumns =
    "id, message_id, contact_id, channel, recipient, payload, state, attempts, next_attempt_at, "
    "last_error, created_at, sent_at, expires_at";

std::string_view state_name(OutboxState state) {
  switch (state) {
    case OutboxState::pending: return "pending";
    case OutboxState::sent: return "sent";
    case OutboxState::dead: return "dead";
  }
  return "pending";
}

Result<OutboxState> state_column(const Statement& st, int index) {
  const std::string text = st.column_text(index);
  if (text == "pending") return OutboxState::pending;
  if (text == "sent") return OutboxState::sent;
  if (text == "dead") return OutboxState::dead;
  return bad_column("outbox.state", text);
}

Result<OutboxRow> read_outbox(const Statement& st) {
  auto channel = channel_column(st, 3, "outbox.channel");
  if (!channel) return channel.error();
  auto state = state_column(st, 6);
  if (!state) return state.error();
  OutboxRow o;
  o.id = st.column_int(0);
  o.message_id = st.column_optional_int(1);
  o.contact_id = st.column_int(2);
  o.channel = *channel;
  o.recipient = st.column_text(4);
  o.payload = st.column_text(5);
  o.state = *state;
  o.attempts = static_cast<int>(st.column_int(7));
  o.next_attempt_at = st.column_int(8);
  o.last_error = st.column_optional_text(9);
  o.created_at = st.column_int(10);
  o.sent_at = st.column_optional_int(11);
  o.expires_at = st.column_optional_int(12);
  return o;
}

// The transcript row behind an outbox row, if it has one. `error` is why it
// failed, shown to operators; any other status clears it.
Result<void> set_transcript_status(Database& db, std::int64_t outbox_id, MessageStatus status,
                                   const std::optional<std::string>& external_id,
                                   const std::optional<std::string>& error = std::nullopt) {
  auto st = db.prepare(
      "UPDATE messages SET status = ?2, external_id = coalesce(?3, external_id), error = ?4 "
      "WHERE id = (SELECT message_id FROM outbox WHERE id = ?1)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, outbox_id).bind(2, to_string(status)).bind(3, external_id).bind(4, error);
  return scope->run();
}

std::string outbox_missing(std::int64_t id) { return "no outbox row " + std::to_string(id); }

}  // namespace

Result<std::int64_t> add_outbox(Database& db, const OutboxRow& row) {
  auto st = db.prepare(
      "INSERT INTO outbox (message_id, contact_id, channel, recipient, payload, state, attempts, "
      "next_attempt_at, last_error, created_at, sent_at, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, row.message_id).bind(2, row.contact_id).bind(3, to_string(row.channel));
  scope->bind(4, std::string_view(row.recipient))
      .bind(5, std::string_view(row.payload))
      .bind(6, state_name(row.state));
  scope->bind(7, std::int64_t{row.attempts}).bind(8, row.next_attempt_at).bind(9, row.last_error);
  scope->bind(10, row.created_at).bind(11, row.sent_at).bind(12, row.expires_at);
  if (auto r = scope->run(); !r) return r.error();
  return db.last_insert_id();
}

namespace {

// Every row a bound SELECT of kColumns returns, in order.
Result<std::vector<OutboxRow>> read_all_outbox(Statement& st) {
  std::vector<OutboxRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    auto o = read_outbox(st);
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
}

}  // namespace

// Walks the partial index on pending ids, so sent and dead rows cost nothing.
Result<std::vector<OutboxRow>> pending_outbox(Database& db, std::int64_t after_id, int limit) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM outbox WHERE state = 'pending' AND id > ?1 "
                                 "ORDER BY id LIMIT ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, after_id).bind(2, std::int64_t{limit});
  return read_all_outbox(*scope);
}

Result<std::optional<OutboxRow>> get_outbox(Database& db, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM outbox WHERE id = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id);
  auto row = scope->step();
  if (!row) return row.error();
  if (!*row) return std::optional<OutboxRow>();
  auto o = read_outbox(*scope);
  if (!o) return o.error();
  return std::optional<OutboxRow>(std::move(*o));
}

// The successful attempt counts: attempts says how many requests were made.
Result<void> mark_outbox_sent(Database& db, std::int64_t id, std::int64_t at,
                              const std::optional<std::string>& external_id) {
  auto st = db.prepare(
      "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, "
      "last_error = NULL WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, at);
  if (auto r = run_expecting_row(db, *scope, outbox_missing(id)); !r) return r;
  return set_transcript_status(db, id, MessageStatus::sent, external_id);
}

// Only a pending row is rescheduled: a late retry decision must not revive
// a row another path already sent or dead-lettered.
Result<void> mark_outbox_retry(Database& db, std::int64_t id, int attempts,
                               std::int64_t next_attempt_at, std::string_view error) {
  auto st = db.prepare(
      "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 "
      "WHERE id = ?1 AND state = 'pending'");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, std::int64_t{attempts}).bind(3, next_attempt_at).bind(4, error);
  if (auto r = run_expecting_row(db, *scope, "no pending outbox row " + std::to_string(id)); !r) {
    return r;
  }
  return set_transcript_status(db, id, MessageStatus::queued, std::nullopt);
}

Result<void> mark_outbox_dead(Database& db, std::int64_t id, int attempts, std::string_view error) {
  auto st =
      db.prepare("UPDATE outbox SET state = 'dead', attempts = ?2, last_error = ?3 WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, std::int64_t{attempts}).bind(3, error);
  if (auto r = run_expecting_row(db, *scope, outbox_missing(id)); !r) return r;
  return set_transcript_status(db, id, MessageStatus::failed, std::nullopt, std::string(error));
}

Result<int> kill_pending_outbox(Database& db, ContactId contact_id, std::string_view reason) {
  auto failed = db.prepare(
      "UPDATE messages SET status = 'failed', error = ?2 WHERE id IN "
      "(SELECT message_id FROM outbox WHERE contact_id = ?1 AND state = 'pending' "
      "AND message_id IS NOT NULL)");
  if (!failed) return failed.error();
  {
    StatementScope scope(**failed);
    scope->bind(1, contact_id).bind(2, reason);
    if (auto r = scope->run(); !r) return r.error();
  }
  auto st = db.prepare(
      "UPDATE outbox SET state = 'dead', last_error = ?2 WHERE contact_id = ?1 AND state = "
      "'pending'");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id).bind(2, reason);
  if (auto r = scope->run(); !r) return r.error();
  return db.changes();
}

Result<std::vector<OutboxRow>> dead_outbox(Database& db, std::int64_t before_id, int limit) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM outbox WHERE state = 'dead' AND (?1 = 0 OR id < ?1) "
                                 "ORDER BY id DESC LIMIT ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, before_id).bind(2, std::int64_t{limit});
  return read_all_outbox(*scope);
}

Result<OutboxRow> revive_outbox(Database& db, std::int64_t id, std::int64_t now) {
  auto existing = get_outbox(db, id);
  if (!existing) return existing.error();
  if (!*existing) return fail(Errc::not_found, outbox_missing(id));
  if ((*existing)->state != OutboxState::dead) {
    return fail(Errc::conflict, "outbox row " + std::to_string(id) + " is not dead");
  }
  auto st = db.prepare(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, created_at = ?2, "
      "expires_at = NULL WHERE id = ?1 AND state = 'dead'");
  if (!st) return st.error();
  {
    StatementScope scope(**st);
    scope->bind(1, id).bind(2, now);
    if (auto r = run_expecting_row(db, *scope, outbox_missing(id)); !r) return r.error();
  }
  if (auto r = set_transcript_status(db, id, MessageStatus::queued, std::nullopt); !r) {
    return r.error();
  }
  auto revived = get_outbox(db, id);
  if (!revived) return revived.error();
  if (!*revived) return fail(Errc::not_found, outbox_missing(id));
  return std::move(**revived);
}

Result<OutboxCounts> count_outbox(Database& db) {
  auto st = db.prepare("SELECT state, count(*) FROM outbox GROUP BY state");
  if (!st) return st.error();
  StatementScope scope(**st);
  OutboxCounts counts;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return counts;
    auto state = state_column(*scope, 0);
    if (!state) return state.error();
    const std::int64_t n = scope->column_int(1);
    if (*state == OutboxState::pending) counts.pending = n;
    if (*state == OutboxState::sent) counts.sent = n;
    if (*state == OutboxState::dead) counts.dead = n;
  }
}

}  // namespace ponte::storage
