// Repositories of the operator console (migration 004): operators, their
// login sessions, the audit log, and what operators do with cases (claim,
// release, transfer, resolve, phase, notes, action-plan tasks).
// Like repositories.hpp: functions take the Database they run on and never
// begin or commit. Functions that check-then-change a case must run inside
// one writer unit: the single writer makes the check and the change atomic,
// which is what makes "two operators claim at once, one wins" hold.
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/ids.hpp"
#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ponte::storage {

// --- operators -----------------------------------------------------------------
enum class Role { operator_, supervisor, author, admin };
std::string_view to_string(Role role) noexcept;
std::optional<Role> role_from_string(std::string_view text) noexcept;

struct Operator {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::operator_;
  std::string password_hash;  // Argon2id PHC string
  bool disabled = false;
};
// Errc::conflict when the name is taken.
Result<std::int64_t> add_operator(Database& db, std::string_view name, Role role,
                                  std::string_view password_hash, std::int64_t now);
// Replaces the hash and ends every session of the operator. Errc::not_found.
Result<void> set_operator_password(Database& db, std::string_view name,
                                   std::string_view password_hash, std::int64_t now);
Result<std::optional<Operator>> find_operator(Database& db, std::string_view name);
Result<std::optional<Operator>> get_operator(Database& db, std::int64_t id);
Result<std::vector<Operator>> list_operators(Database& db);

// --- login sessions ---------------------------------------------------------------
struct OperatorSession {
  std::string token_hash;  // hex SHA-256 of the cookie value
  std::int64_t operator_id = 0;
  std::string csrf_token;
  std::int64_t created_at = 0, last_seen_at = 0, expires_at = 0;
};
Result<void> add_operator_session(Database& db, const OperatorSession& s);
// The live session (expires_at > now) and its operator; nullopt otherwise.
struct SessionWithOperator {
  OperatorSession session;
  Operator op;
};
Result<std::optional<SessionWithOperator>> find_operator_session(Database& db,
                                                                 std::string_view token_hash,
                                                                 std::int64_t now);
Result<void> touch_operator_session(Database& db, std::string_view token_hash,
                                    std::int64_t last_seen_at, std::int64_t expires_at);
Result<void> delete_operator_session(Database& db, std::string_view token_hash);
Result<int> prune_operator_sessions(Database& db, std::int64_t now);

// --- audit log ----------------------------------------------------------------------
struct AuditEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> operator_id;
  std::string operator_name;
  std::string action;  // "case.claim", "login.failed", ...
  std::optional<std::int64_t> case_id;
  std::string detail;  // ids and names of states only, never message text
  std::int64_t created_at = 0;
};
Result<void> add_audit(Database& db, const AuditEntry& entry);
// Failed logins for `name` after `since` and after its last successful login:
// the throttle's input, kept in the audit log so it survives a restart.
struct LoginFailures {
  int count = 0;
  std::int64_t last_at = 0;
};
Result<LoginFailures> recent_login_failures(Database& db, std::string_view name,
                                            std::int64_t since);
// When `operator_id` last did `action` on `case_id`; nullopt if never.
Result<std::optional<std::int64_t>> last_audit_at(Database& db, std::int64_t operator_id,
                                                  std::string_view action, std::int64_t case_id);
// Newest first; all cases when case_id is nullopt.
Result<std::vector<AuditEntry>> list_audit(Database& db, std::optional<std::int64_t> case_id,
                                           int limit);

// --- cases as the console sees them -----------------------------------------------
struct ConsoleCase {
  CaseRow row;
  std::optional<std::int64_t> claimed_by;
  std::string claimed_by_name;  // empty when unclaimed
  std::optional<std::int64_t> claimed_at, resolved_at;
  std::string outcome, municipality;
  std::int64_t version = 1;
  bool waiting = false;  // the person wrote and no operator answered since
  std::optional<std::int64_t> last_inbound_at;
};
struct CaseFilter {
  std::optional<CaseStatus> status;  // nullopt: queued and claimed
  std::string language, topic;       // empty: any
  int limit = 200;
};
// Queue order: priority (0 urgent first), then waiting time, then id.
Result<std::vector<ConsoleCase>> list_console_cases(Database& db, const CaseFilter& filter);
Result<std::optional<ConsoleCase>> get_console_case(Database& db, std::int64_t case_id);
// The contact's cases, newest first.
Result<std::vector<ConsoleCase>> list_contact_cases(Database& db, ContactId contact_id);
std::string_view to_string(CaseStatus status) noexcept;
std::optional<CaseStatus> case_status_from_string(std::string_view text) noexcept;
bool valid_phase(std::string_view phase) noexcept;
// Outcomes are codes, not free text, so statistics and exports can never
// carry a name: information, referral, service_booked, no_reply,
// not_eligible, duplicate, handed_back, other.
bool valid_outcome(std::string_view outcome) noexcept;

// Case changes. Each bumps `version` and updated_at; each refuses with
// Errc::not_found (no such case) or Errc::conflict (wrong state, or
// `expected_version` is not the stored one: someone changed it first).
struct CaseChange {
  std::int64_t case_id = 0;
  std::optional<std::int64_t> expected_version;  // claim needs none: its state is the check
  std::int64_t now = 0;
};
// queued -> claimed by `operator_id`; the conversation goes to human mode.
Result<ConsoleCase> claim_case(Database& db, const CaseChange& change, std::int64_t operator_id);
// claimed -> queued; the bot answers again until someone claims it.
Result<ConsoleCase> release_case(Database& db, const CaseChange& change);
// Claimed by another operator (who must exist, be enabled and work cases).
Result<ConsoleCase> transfer_case(Database& db, const CaseChange& change, std::int64_t to_operator);
// -> resolved with an outcome, phase resolution; the bot answers again.
Result<ConsoleCase> resolve_case(Database& db, const CaseChange& change, std::string_view outcome);
Result<ConsoleCase> set_case_phase(Database& db, const CaseChange& change, std::string_view phase);

// sessions.mode of a contact (creating an empty session when none exists).
Result<void> set_session_mode(Database& db, ContactId contact_id, SessionMode mode,
                              std::int64_t now);

// --- notes and tasks -------------------------------------------------------------------
struct CaseNote {
  std::int64_t id = 0, case_id = 0;
  std::optional<std::int64_t> operator_id;
  std::string operator_name;
  std::string body;
  std::int64_t created_at = 0;
};
inline constexpr std::size_t kMaxNoteBytes = 4000;
Result<std::int64_t> add_case_note(Database& db, std::int64_t case_id, std::int64_t operator_id,
                                   std::string_view body, std::int64_t now);
Result<std::vector<CaseNote>> list_case_notes(Database& db, std::int64_t case_id);

struct CaseTask {
  std::int64_t id = 0, case_id = 0;
  std::string title;
  std::optional<std::int64_t> owner_id;
  std::string owner_name;
  std::optional<std::int64_t> due_at;
  std::string status;  // open, done, cancelled
  std::int64_t created_at = 0, updated_at = 0;
};
inline constexpr std::size_t kMaxTaskTitleBytes = 500;
Result<std::int64_t> add_case_task(Database& db, const CaseTask& task);
// Errc::not_found when the task is not one of `case_id`'s.
Result<void> set_case_task_status(Database& db, std::int64_t case_id, std::int64_t task_id,
                                  std::string_view status, std::int64_t now);
Result<std::vector<CaseTask>> list_case_tasks(Database& db, std::int64_t case_id);

// --- canned answers ---------------------------------------------------------------
struct CannedAnswer {
  std::int64_t id = 0;
  std::string key, language, title, body;
  std::int64_t updated_at = 0;
};
// Inserts or replaces the (key, language) text. Errc::invalid on empty or
// oversized fields.
Result<std::int64_t> put_canned_answer(Database& db, const CannedAnswer& answer);
Result<std::vector<CannedAnswer>> list_canned_answers(Database& db);
// Every language version of `key`.
Result<std::vector<CannedAnswer>> canned_versions(Database& db, std::string_view key);

// --- reminders ------------------------------------------------------------------------
struct Reminder {
  std::int64_t id = 0, case_id = 0;
  std::optional<std::int64_t> task_id;
  std::string canned_key;
  std::string vars_json = "{}";
  std::int64_t due_at = 0;
  std::string state = "pending";  // pending, sent, cancelled, failed
  std::optional<std::int64_t> created_by;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> sent_at;
  std::string last_error;
  ContactId contact_id = 0;  // of the case, filled when read
};
// Errc::not_found for an unknown case, or a task of another case.
Result<std::int64_t> add_reminder(Database& db, const Reminder& r);
Result<std::vector<Reminder>> list_case_reminders(Database& db, std::int64_t case_id);
// Pending reminders with due_at <= now, oldest first.
Result<std::vector<Reminder>> due_reminders(Database& db, std::int64_t now, int limit);
Result<std::optional<Reminder>> get_reminder(Database& db, std::int64_t id);
// pending -> sent | failed | cancelled. Errc::conflict when no longer pending.
Result<void> finish_reminder(Database& db, std::int64_t id, std::string_view state, std::int64_t at,
                             std::string_view error);

// --- call-back requests --------------------------------------------------------------
struct Callback {
  std::int64_t id = 0;
  ContactId contact_id = 0;
  std::optional<std::int64_t> case_id;
  std::string phone, slots, language;
  std::string state = "requested";  // requested, done, cancelled
  std::string done_by_name;
  std::optional<std::int64_t> done_at;
  std::int64_t created_at = 0;
  std::string channel;  // of the contact, filled when read
};
// One open request per case: asking again updates phone and slots.
Result<std::int64_t> request_callback(Database& db, const Callback& c);
// Requested first (oldest first), then the latest finished ones.
Result<std::vector<Callback>> list_callbacks(Database& db, int limit);
// requested -> done | cancelled. Errc::not_found / Errc::conflict.
Result<void> finish_callback(Database& db, std::int64_t id, std::string_view state,
                             std::int64_t operator_id, std::int64_t at);

// --- statistics (the coordinator's view; no personal data) ----------------------------
enum class StatsDimension { topic, municipality, language, channel, outcome };
std::optional<StatsDimension> stats_dimension_from_string(std::string_view text) noexcept;
struct Count {
  std::string value;  // "unknown" when the case has none
  std::int64_t count = 0;
};
// Cases created in [from, to), counted by one dimension, largest first.
Result<std::vector<Count>> count_cases_by(Database& db, StatsDimension dimension, std::int64_t from,
                                          std::int64_t to);
// People who wrote in [from, to) (by their last message), by channel or language.
Result<std::vector<Count>> count_requests_by(Database& db, StatsDimension dimension,
                                             std::int64_t from, std::int64_t to);
// One row per case created in [from, to): only codes, times and durations.
struct CaseFact {
  std::int64_t id = 0, created_at = 0;
  std::string topic, municipality, language, channel, status, phase, outcome;
  int priority = 2;
  std::optional<std::int64_t> wait_ms, resolution_ms;  // to claim, to resolution
};
Result<std::vector<CaseFact>> case_facts(Database& db, std::int64_t from, std::int64_t to);

}  // namespace ponte::storage
