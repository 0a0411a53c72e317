// What the repository files share, internal to storage/: a scope that
// resets a cached statement when the function returns (so a reader never
// keeps an old WAL snapshot pinned), and decoding of the TEXT columns that
// hold enums. The CHECK constraints make a bad value impossible short of a
// hand-edited file; it is still reported, never guessed.
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/ids.hpp"
#include "storage/database.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ponte::storage {

class StatementScope {
 public:
  explicit StatementScope(Statement& statement) : statement_(statement) {}
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;
  ~StatementScope() { statement_.reset(); }
  Statement& operator*() { return statement_; }
  Statement* operator->() { return &statement_; }

 private:
  Statement& statement_;
};

inline Error bad_column(std::string_view column, std::string_view value) {
  return fail(Errc::storage,
              "unexpected value \"" + std::string(value) + "\" in column " + std::string(column));
}

inline Result<Channel> channel_column(const Statement& st, int index, std::string_view column) {
  const std::string text = st.column_text(index);
  if (auto channel = channel_from_string(text)) return *channel;
  return bad_column(column, text);
}

// Runs an UPDATE or DELETE that must touch a row; Errc::not_found otherwise.
inline Result<void> run_expecting_row(Database& db, Statement& st, std::string_view what) {
  if (auto r = st.run(); !r) return r;
  if (db.changes() == 0) return fail(Errc::not_found, std::string(what));
  return {};
}

}  // namespace ponte::storage
