// Operators, their login sessions and the audit log (migration 004).
#include "storage/console.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

constexpr std::string_view kOperatorColumns = "id, name, role, password_hash, disabled";

Result<Operator> read_operator(const Statement& st, int first) {
  const auto role_text = st.column_text(first + 2);
  auto role = role_from_string(role_text);
  if (!role) return bad_column("operators.role", role_text);
  Operator op;
  op.id = st.column_int(first);
  op.name = st.column_text(first + 1);
  op.role = *role;
  op.password_hash = st.column_text(first + 3);
  op.disabled = st.column_int(first + 4) != 0;
  return op;
}

Result<std::optional<Operator>> one_operator(Statement& st) {
  auto row = st.step();
  if (!row) return row.error();
  if (!*row) return std::optional<Operator>();
  auto op = read_operator(st, 0);
  if (!op) return op.error();
  return std::optional<Operator>(std::move(*op));
}

}  // namespace

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::operator_: return "operator";
    case Role::supervisor: return "supervisor";
    case Role::author: return "author";
    case Role::admin: return "admin";
  }
  return "operator";
}

std::optional<Role> role_from_string(std::string_view text) noexcept {
  if (text == "operator") return Role::operator_;
  if (text == "supervisor") return Role::supervisor;
  if (text == "author") return Role::author;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

Result<std::int64_t> add_operator(Database& db, std::string_view name, Role role,
                                  std::string_view password_hash, std::int64_t now) {
  auto existing = find_operator(db, name);
  if (!existing) return existing.error();
  if (*existing) return fail(Errc::conflict, "an operator named " + std::string(name) + " exists");
  auto st = db.prepare(
      "INSERT INTO operators (name, role, password_hash, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?4)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, name).bind(2, to_string(role)).bind(3, password_hash).bind(4, now);
  if (auto r = scope->run(); !r) return r.error();
  return db.last_insert_id();
}

Result<void> set_operator_password(Database& db, std::string_view name,
                                   std::string_view password_hash, std::int64_t now) {
  auto op = find_operator(db, name);
  if (!op) return op.error();
  if (!*op) return fail(Errc::not_found, "no operator named " + std::string(name));
  auto st = db.prepare("UPDATE operators SET password_hash = ?2, updated_at = ?3 WHERE id = ?1");
  if (!st) return st.error();
  {
    StatementScope scope(**st);
    scope->bind(1, (*op)->id).bind(2, password_hash).bind(3, now);
    if (auto r = scope->run(); !r) return r;
  }
  auto end = db.prepare("DELETE FROM operator_sessions WHERE operator_id = ?1");
  if (!end) return end.error();
  StatementScope scope(**end);
  return scope->bind(1, (*op)->id).run();
}

Result<std::optional<Operator>> find_operator(Database& db, std::string_view name) {
  static const std::string sql =
      "SELECT " + std::string(kOperatorColumns) + " FROM operators WHERE name = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, name);
  return one_operator(*scope);
}

Result<std::optional<Operator>> get_operator(Database& db, std::int64_t id) {
  static const std::string sql =
      "SELECT " + std::string(kOperatorColumns) + " FROM operators WHERE id = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id);
  return one_operator(*scope);
}

Result<std::vector<Operator>> list_operators(Database& db) {
  static const std::string sql =
      "SELECT " + std::string(kOperatorColumns) + " FROM operators ORDER BY name";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  std::vector<Operator> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto op = read_operator(*scope, 0);
    if (!op) return op.error();
    op->password_hash.clear();  // nobody listing operators needs it
    out.push_back(std::move(*op));
  }
}

Result<void> add_operator_session(Database& db, const OperatorSession& s) {
  auto st = db.prepare(
      "INSERT INTO operator_sessions (token_hash, operator_id, csrf_token, created_at, "
      "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, s.token_hash).bind(2, s.operator_id).bind(3, s.csrf_token);
  return scope->bind(4, s.created_at).bind(5, s.last_seen_at).bind(6, s.expires_at).run();
}

Result<std::optional<SessionWithOperator>> find_operator_session(Database& db,
                                                                 std::string_view token_hash,
                                                                 std::int64_t now) {
  auto st = db.prepare(
      "SELECT s.token_hash, s.operator_id, s.csrf_token, s.created_at, s.last_seen_at, "
      "s.expires_at, o.id, o.name, o.role, o.password_hash, o.disabled "
      "FROM operator_sessions s JOIN operators o ON o.id = s.operator_id "
      "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND o.disabled = 0");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, token_hash).bind(2, now);
  auto row = scope->step();
  if (!row) return row.error();
  if (!*row) return std::optional<SessionWithOperator>();
  SessionWithOperator out;
  out.session.token_hash = scope->column_text(0);
  out.session.operator_id = scope->column_int(1);
  out.session.csrf_token = scope->column_text(2);
  out.session.created_at = scope->column_int(3);
  out.session.last_seen_at = scope->column_int(4);
  out.session.expires_at = scope->column_int(5);
  auto op = read_operator(*scope, 6);
  if (!op) return op.error();
  out.op = std::move(*op);
  out.op.password_hash.clear();
  return std::optional<SessionWithOperator>(std::move(out));
}

Result<void> touch_operator_session(Database& db, std::string_view token_hash,
                                    std::int64_t last_seen_at, std::int64_t expires_at) {
  auto st = db.prepare(
      "UPDATE operator_sessions SET last_seen_at = ?2, expires_at = ?3 "
      "WHERE token_hash = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  return scope->bind(1, token_hash).bind(2, last_seen_at).bind(3, expires_at).run();
}

Result<void> delete_operator_session(Database& db, std::string_view token_hash) {
  auto st = db.prepare("DELETE FROM operator_sessions WHERE token_hash = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  return scope->bind(1, token_hash).run();
}

Result<int> prune_operator_sessions(Database& db, std::int64_t now) {
  auto st = db.prepare("DELETE FROM operator_sessions WHERE expires_at <= ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  if (auto r = scope->bind(1, now).run(); !r) return r.error();
  return db.changes();
}

Result<void> add_audit(Database& db, const AuditEntry& e) {
  auto st = db.prepare(
      "INSERT INTO audit_log (operator_id, operator_name, action, case_id, detail, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, e.operator_id).bind(2, e.operator_name).bind(3, e.action);
  return scope->bind(4, e.case_id).bind(5, e.detail).bind(6, e.created_at).run();
}

Result<LoginFailures> recent_login_failures(Database& db, std::string_view name,
                                            std::int64_t since) {
  auto st = db.prepare(
      "SELECT count(*), coalesce(max(created_at), 0) FROM audit_log WHERE operator_name = ?1 "
      "AND action = 'login.failed' AND created_at > max(?2, coalesce((SELECT max(created_at) "
      "FROM audit_log WHERE operator_name = ?1 AND action = 'login.ok'), 0))");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, name).bind(2, since);
  auto row = scope->step();
  if (!row) return row.error();
  return LoginFailures{static_cast<int>(scope->column_int(0)), scope->column_int(1)};
}

Result<std::optional<std::int64_t>> last_audit_at(Database& db, std::int64_t operator_id,
                                                  std::string_view action, std::int64_t case_id) {
  auto st = db.prepare(
      "SELECT max(created_at) FROM audit_log WHERE case_id = ?1 AND operator_id = ?2 "
      "AND action = ?3");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id).bind(2, operator_id).bind(3, action);
  auto row = scope->step();
  if (!row) return row.error();
  return scope->column_optional_int(0);
}

Result<std::vector<AuditEntry>> list_audit(Database& db, std::optional<std::int64_t> case_id,
                                           int limit) {
  auto st = db.prepare(
      "SELECT id, operator_id, operator_name, action, case_id, detail, created_at FROM audit_log "
      "WHERE ?1 IS NULL OR case_id = ?1 ORDER BY id DESC LIMIT ?2");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, case_id).bind(2, std::int64_t{limit});
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = scope->step();
    if (!row) return row.error();
    if (!*row) return out;
    AuditEntry e;
    e.id = scope->column_int(0);
    e.operator_id = scope->column_optional_int(1);
    e.operator_name = scope->column_text(2);
    e.action = scope->column_text(3);
    e.case_id = scope->column_optional_int(4);
    e.detail = scope->column_text(5);
    e.created_at = scope->column_int(6);
    out.push_back(std::move(e));
  }
}

}  // namespace ponte::storage
