// Messages: the transcript, both directions, in the order they happened.
// An outbound row starts "queued" and follows its outbox row (sent, failed);
// delivery receipts move it on to "delivered" and "read". The body is the
// neutral message as JSON, so the console shows what the person saw.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

#include <array>

namespace ponte::storage {
namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {"received",  "queued", "sent",
                                                          "delivered", "read",   "failed"};

Result<MessageRow> read_message(const Statement& st) {
  const std::string direction = st.column_text(2);
  if (direction != "in" && direction != "out") return bad_column("messages.direction", direction);
  const std::string status = st.column_text(5);
  auto parsed = message_status_from_string(status);
  if (!parsed) return bad_column("messages.status", status);
  MessageRow m;
  m.id = st.column_int(0);
  m.contact_id = st.column_int(1);
  m.direction = direction == "in" ? Direction::in : Direction::out;
  m.kind = st.column_text(3);
  m.body = st.column_text(4);
  m.status = *parsed;
  m.external_id = st.column_optional_text(6);
  m.created_at = st.column_int(7);
  m.error = st.column_optional_text(8);
  return m;
}

}  // namespace

std::string_view to_string(MessageStatus s) noexcept {
  const auto index = static_cast<std::size_t>(s);
  return index < kStatusNames.size() ? kStatusNames[index] : std::string_view("unknown");
}

std::optional<MessageStatus> message_status_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<MessageStatus>(i);
  }
  return std::nullopt;
}

Result<std::int64_t> add_message(Database& db, const MessageRow& row) {
  auto st = db.prepare(
      "INSERT INTO messages (contact_id, direction, kind, body, status, external_id, created_at, "
      "error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return st.error();
  StatementScope scope(**st);
  const std::string_view direction = row.direction == Direction::in ? "in" : "out";
  scope->bind(1, row.contact_id)
      .bind(2, direction)
      .bind(3, std::string_view(row.kind))
      .bind(4, std::string_view(row.body));
  scope->bind(5, to_string(row.status)).bind(6, row.external_id).bind(7, row.created_at);
  scope->bind(8, row.error);
  if (auto r = scope->run(); !r) return r.error();
  return db.last_insert_id();
}

// Paged by id, not offset: the console polls "after the last one I have",
// which stays cheap however long the conversation gets.
Result<std::vector<MessageRow>> list_messages(Database& db, ContactId contact_id,
                                              std::int64_t after_id, int limit) {
  auto st = db.prepare(
      "SELECT id, contact_id, direction, kind, body, status, external_id, created_at, error "
      "FROM messages WHERE contact_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id).bind(2, after_id).bind(3, std::int64_t{limit});
  std::vector<MessageRow> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto message = read_message(*scope);
    if (!message) return message.error();
    out.push_back(std::move(*message));
  }
}

// A null external_id keeps the one already known.
Result<void> set_message_status(Database& db, std::int64_t message_id, MessageStatus status,
                                const std::optional<std::string>& external_id) {
  auto st = db.prepare(
      "UPDATE messages SET status = ?2, external_id = coalesce(?3, external_id) WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, message_id).bind(2, to_string(status)).bind(3, external_id);
  return run_expecting_row(db, *scope, "no message " + std::to_string(message_id));
}

// The rank order lives in SQL so the check and the update are one
// statement: two receipts for one message committed in one batch still
// end at the higher status.
Result<std::optional<MessageRow>> apply_receipt(Database& db, std::string_view external_id,
                                                MessageStatus status,
                                                const std::optional<std::string>& error) {
  static constexpr std::string_view kRank =
      "CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 "
      "WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 5 END";
  static const std::string sql =
      "UPDATE messages SET status = ?2, error = CASE WHEN ?2 = 'failed' THEN ?3 ELSE error END "
      "WHERE external_id = ?1 AND direction = 'out' AND " +
      std::string(kRank) + " < ?4 RETURNING id, contact_id, direction, kind, body, status, " +
      "external_id, created_at, error";
  const std::int64_t rank = status == MessageStatus::sent        ? 1
                            : status == MessageStatus::delivered ? 2
                            : status == MessageStatus::read      ? 3
                            : status == MessageStatus::failed    ? 4
                                                                 : 0;
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, external_id).bind(2, to_string(status)).bind(3, error).bind(4, rank);
  auto row = scope->step();
  if (!row) return row.error();
  if (!*row) return std::optional<MessageRow>();
  auto message = read_message(*scope);
  if (!message) return message.error();
  // Drain the statement: RETURNING rows are produced as it steps.
  for (;;) {
    auto more = scope->step();
    if (!more) return more.error();
    if (!*more) break;
  }
  return std::optional<MessageRow>(std::move(*message));
}

Result<std::int64_t> count_messages(Database& db, ContactId contact_id) {
  auto st = db.prepare("SELECT count(*) FROM messages WHERE contact_id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  auto row = scope->step();
  if (!row) return row.error();
  return scope->column_int(0);
}

}  // namespace ponte::storage
