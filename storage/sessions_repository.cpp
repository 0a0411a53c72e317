// Sessions: the engine's conversation state, stored as the JSON it
// round-trips through, plus who holds the chat (the bot or an operator).
// One row per contact, replaced whole on every turn.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

std::string_view mode_name(SessionMode mode) {
  return mode == SessionMode::human ? "human" : "bot";
}

Result<SessionMode> mode_column(const Statement& st, int index) {
  const std::string text = st.column_text(index);
  if (text == "bot") return SessionMode::bot;
  if (text == "human") return SessionMode::human;
  return bad_column("sessions.mode", text);
}

}  // namespace

Result<std::optional<Session>> load_session(Database& db, ContactId contact_id) {
  auto st =
      db.prepare("SELECT contact_id, state, mode, updated_at FROM sessions WHERE contact_id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, contact_id);
  auto row = scope->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Session>();
  auto mode = mode_column(*scope, 2);
  if (!mode) return mode.error();
  return Session{scope->column_int(0), scope->column_text(1), *mode, scope->column_int(3)};
}

// The CHECK (json_valid(state)) turns a malformed state into an error here
// rather than a conversation that cannot resume.
Result<void> save_session(Database& db, const Session& session) {
  auto st = db.prepare(
      "INSERT INTO sessions (contact_id, state, mode, updated_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (contact_id) DO UPDATE SET state = excluded.state, mode = excluded.mode, "
      "updated_at = excluded.updated_at");
  if (!st) return st.error();
  StatementScope scope(**st);
  return scope->bind(1, session.contact_id)
      .bind(2, std::string_view(session.state_json))
      .bind(3, mode_name(session.mode))
      .bind(4, session.updated_at)
      .run();
}

}  // namespace ponte::storage
