// Statement: a thin RAII wrapper over sqlite3_stmt. Binding failures (an
// index out of range, a value past SQLite's limits) are programming errors,
// so they throw; step failures are expected (disk full, constraint) and come
// back as Errc::storage values naming the statement.
#include "storage/database.hpp"
#include "storage/sqlite_error.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace ponte::storage {
namespace {

void check_bind(sqlite3_stmt* stmt, int rc, int index) {
  if (rc == SQLITE_OK) return;
  throw std::logic_error("sqlite bind of parameter " + std::to_string(index) + " failed (" +
                         sqlite3_errstr(rc) + ") in \"" + first_words(sqlite3_sql(stmt)) + "\"");
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

// A statement that has run must be reset before it can be bound again.
Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_reset(stmt_);
  check_bind(stmt_, sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_reset(stmt_);
  // A null data pointer would bind NULL; an empty string must stay ''.
  const char* data = value.data() != nullptr ? value.data() : "";
  check_bind(stmt_,
             sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
             index);
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  sqlite3_reset(stmt_);
  check_bind(stmt_, sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  if (!value) return bind(index, std::nullopt);
  return bind(index, std::string_view(*value));
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  if (!value) return bind(index, std::nullopt);
  return bind(index, *value);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = sqlite_error(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return error;
}

Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_int(index);
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace ponte::storage
