// RAII SQLite handles. A Database owns one connection and caches its
// prepared statements (SQL text -> statement), so repositories call
// prepare() on every use at no cost. A connection is used by one thread at a
// time: the writer thread owns the read-write one, readers come from a pool.
#pragma once

#include "bot/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace ponte::storage {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQLite. Binding resets a finished statement.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);  // copied (SQLITE_TRANSIENT)
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullopt_t);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);

  // One step: true when a row is ready, false when done.
  Result<bool> step();
  // Runs to completion, expecting no rows (INSERT/UPDATE/DELETE).
  Result<void> run();
  void reset();  // also clears bindings

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional_text(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  bool read_only = false;
  // "full" (fsync at every commit: survives power loss) or "normal"
  // (survives a process crash; a power cut may lose the last commits).
  std::string synchronous = "full";
  int busy_timeout_ms = 5000;
};

class Database {
 public:
  // Opens (creating when not read-only) the file, sets WAL, foreign keys,
  // synchronous, busy timeout.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file,
                                                const OpenOptions& options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // The cached statement for `sql`, reset and with bindings cleared.
  Result<Statement*> prepare(std::string_view sql);
  // Runs one or more statements without results (DDL, BEGIN, COMMIT...).
  Result<void> exec(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// A write that changes nothing yet reaches the disk: the header's
// user_version (unused by Ponte) is rewritten with its own value, which
// makes SQLite write page 1 at COMMIT. Run as a writer unit while the
// writer is degraded, it finds out that the disk is back without waiting
// for traffic.
Result<void> write_probe(Database& db);

// Applies the numbered migrations embedded from storage/migrations/ that are
// newer than the file's schema, each in its own transaction. Idempotent.
Result<void> migrate(Database& db);
// The highest migration number the binary knows.
int latest_schema_version();

}  // namespace ponte::storage
