// Repositories: the only place SQL lives. Functions take the Database they
// run on (the writer's inside a unit of work, or a reader's) and return
// values; they never begin or commit transactions themselves.
// Times are unix milliseconds UTC (`*_at` columns).
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/ids.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ponte::storage {

// --- inbound dedupe (inbound_keys) -----------------------------------------
// Records (channel, external_id). false when it was already recorded: the
// caller acknowledges the event without processing it again.
Result<bool> remember_inbound(Database& db, Channel channel, std::string_view external_id,
                              std::int64_t at);
// Deletes keys older than `before` (Telegram retries for 24 h: keep >= 25 h).
Result<int> prune_inbound(Database& db, std::int64_t before);

// --- contacts ----------------------------------------------------------------
struct Contact {
  ContactId id = 0;
  Channel channel = Channel::webchat;
  std::string external_id;  // platform user id / web chat client id
  std::string chat_id;      // where replies go
  std::optional<std::string> language;
  std::optional<std::string> display_name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_inbound_at;
  bool unreachable = false;
};
// Finds or creates the contact; updates chat_id, last_inbound_at and (when
// non-empty) display_name. Returns the row as stored after the update.
Result<Contact> upsert_contact(Database& db, Channel channel, std::string_view external_id,
                               std::string_view chat_id, std::string_view display_name,
                               std::int64_t inbound_at);
Result<std::optional<Contact>> find_contact(Database& db, Channel channel,
                                            std::string_view external_id);
Result<std::optional<Contact>> get_contact(Database& db, ContactId id);
Result<void> set_contact_language(Database& db, ContactId id, std::string_view language);
Result<void> set_contact_unreachable(Database& db, ContactId id, bool unreachable);

// --- sessions (conversation state as JSON) ---------------------------------
enum class SessionMode { bot, human };
struct Session {
  ContactId contact_id = 0;
  std::string state_json;
  SessionMode mode = SessionMode::bot;
  std::int64_t updated_at = 0;
};
Result<std::optional<Session>> load_session(Database& db, ContactId contact_id);
Result<void> save_session(Database& db, const Session& session);

// --- messages (the transcript, both directions) ----------------------------
enum class Direction { in, out };
enum class MessageStatus { received, queued, sent, delivered, read, failed };
std::string_view to_string(MessageStatus s) noexcept;
std::optional<MessageStatus> message_status_from_string(std::string_view s) noexcept;
struct MessageRow {
  std::int64_t id = 0;
  ContactId contact_id = 0;
  Direction direction = Direction::in;
  std::string kind;  // "text", "choice", "start", "media", "reply"
  std::string body;  // JSON: the neutral message as the server encodes it
  MessageStatus status = MessageStatus::received;
  std::optional<std::string> external_id;  // platform message id once known
  std::int64_t created_at = 0;
  std::optional<std::string> error;  // why delivery failed (status "failed")
};
Result<std::int64_t> add_message(Database& db, const MessageRow& row);  // returns id
// Messages of a contact with id > after_id, oldest first, at most `limit`.
Result<std::vector<MessageRow>> list_messages(Database& db, ContactId contact_id,
                                              std::int64_t after_id, int limit);
Result<void> set_message_status(Database& db, std::int64_t message_id, MessageStatus status,
                                const std::optional<std::string>& external_id);
Result<std::int64_t> count_messages(Database& db, ContactId contact_id);
// A delivery receipt for the outbound message the platform calls
// `external_id`. Statuses only move forward (queued < sent < delivered <
// read; failed is final), so a late or repeated receipt changes nothing.
// `error` is kept with "failed". Returns the updated row, nullopt when no
// row moved (unknown id, or the row is already at or past `status`).
Result<std::optional<MessageRow>> apply_receipt(Database& db, std::string_view external_id,
                                                MessageStatus status,
                                                const std::optional<std::string>& error);

// --- outbox ------------------------------------------------------------------
enum class OutboxState { pending, sent, dead };
struct OutboxRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> message_id;  // transcript row, if any
  ContactId contact_id = 0;
  Channel channel = Channel::telegram;
  std::string recipient;  // chat id / phone number
  std::string payload;    // JSON, the neutral message
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> sent_at;
  std::optional<std::int64_t> expires_at;  // after this a pending row is dropped (dead)
};
Result<std::int64_t> add_outbox(Database& db, const OutboxRow& row);  // returns id
// Pending rows, oldest id first, at most `limit`, with id > after_id.
Result<std::vector<OutboxRow>> pending_outbox(Database& db, std::int64_t after_id, int limit);
Result<std::optional<OutboxRow>> get_outbox(Database& db, std::int64_t id);
// Marks sent and, when message_id is set, the transcript row too.
Result<void> mark_outbox_sent(Database& db, std::int64_t id, std::int64_t at,
                              const std::optional<std::string>& external_id);
Result<void> mark_outbox_retry(Database& db, std::int64_t id, int attempts,
                               std::int64_t next_attempt_at, std::string_view error);
// Dead-letters the row and marks its transcript row failed.
Result<void> mark_outbox_dead(Database& db, std::int64_t id, int attempts, std::string_view error);
// Dead-letters every pending row of a contact (they blocked the bot) and
// marks those transcript rows failed. Returns how many rows it stopped.
Result<int> kill_pending_outbox(Database& db, ContactId contact_id, std::string_view reason);
// Dead-lettered rows, newest first, with id < before_id (0 = from the newest).
Result<std::vector<OutboxRow>> dead_outbox(Database& db, std::int64_t before_id, int limit);
// Puts a dead row back in the queue: pending, attempts 0, due at `now`,
// its transcript row "queued" again; the give-up clock restarts at `now`.
// Errc::not_found when no such row, Errc::conflict when it is not dead.
Result<OutboxRow> revive_outbox(Database& db, std::int64_t id, std::int64_t now);
struct OutboxCounts {
  std::int64_t pending = 0, sent = 0, dead = 0;
};
Result<OutboxCounts> count_outbox(Database& db);

// --- cases (handoff queue) ---------------------------------------------------
enum class CaseStatus { queued, claimed, resolved };
struct NewCase {
  ContactId contact_id = 0;
  int priority = 2;  // 0 urgent, 1 high, 2 normal
  std::string topic;
  std::string reason;
  std::string summary;
  std::string language;
  Channel channel = Channel::webchat;
  std::int64_t created_at = 0;
};
struct CaseRow {
  std::int64_t id = 0;
  ContactId contact_id = 0;
  CaseStatus status = CaseStatus::queued;
  std::string phase;  // screening, assessment, planning, intervention, resolution
  int priority = 2;
  std::string topic, reason, summary, language;
  Channel channel = Channel::webchat;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};
// Opens a queued case, or returns the contact's already open (queued or
// claimed) case, raising its priority if the new one is more urgent.
Result<CaseRow> open_case(Database& db, const NewCase& c);
// The contact's open case with its priority raised to `priority` if that is
// more urgent (smaller); nullopt when the contact has no open case.
Result<std::optional<CaseRow>> raise_open_case(Database& db, ContactId contact_id, int priority,
                                               std::int64_t at);
// 1-based place in the queue: queued cases ordered by priority then
// created_at, then id. 0 when the case is not queued.
Result<std::int64_t> queue_position(Database& db, std::int64_t case_id);
Result<std::vector<CaseRow>> list_cases(Database& db, std::optional<CaseStatus> status, int limit);

}  // namespace ponte::storage

// --- follow-ups and erasure (migration 002; follow_ups_repository.cpp) ------
namespace ponte::storage {

enum class FollowUpState { pending, sent, skipped };
struct FollowUpRow {
  std::int64_t id = 0;
  ContactId contact_id = 0;
  std::int64_t due_at = 0;
  std::string text_key;  // catalog key, rendered when due
  std::string flow, node;
  FollowUpState state = FollowUpState::pending;
  std::int64_t created_at = 0;
};
Result<std::int64_t> add_follow_up(Database& db, const FollowUpRow& row);  // returns id
// Pending rows due at or before `now`, earliest first, at most `limit`.
Result<std::vector<FollowUpRow>> due_follow_ups(Database& db, std::int64_t now, int limit);
Result<void> finish_follow_up(Database& db, std::int64_t id, FollowUpState state, std::int64_t at);
Result<std::vector<FollowUpRow>> list_follow_ups(Database& db, ContactId contact_id);

// Erasure on request: deletes the person's transcript, outbox rows,
// session (with the contact fields in it) and follow-ups; empties the
// reason and summary of their cases and resolves the open ones (topic,
// priority, language and times stay for statistics); forgets the contact's
// display name and language; counts one erasure for (day of `at`, channel).
// The contact row keeps only the platform address, so the confirmation can
// be delivered and a new message starts afresh.
Result<void> erase_contact_data(Database& db, ContactId contact_id, std::int64_t at);
Result<std::int64_t> count_erasures(Database& db);

}  // namespace ponte::storage
