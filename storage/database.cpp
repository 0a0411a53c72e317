// Database: one SQLite connection with the settings Ponte relies on (WAL so
// readers never block the writer, foreign keys for erasure by cascade, an
// explicit durability level) and a cache of prepared statements keyed by
// their SQL text, so repositories prepare once per connection.
#include "storage/database.hpp"
#include "storage/sqlite_error.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace ponte::storage {
namespace {

// Only these two levels are meaningful for a WAL database: "off" risks
// corruption and "extra" adds nothing the help line needs.
Result<std::string_view> synchronous_pragma(std::string_view level) {
  if (level == "full") return std::string_view("PRAGMA synchronous = FULL");
  if (level == "normal") return std::string_view("PRAGMA synchronous = NORMAL");
  return fail(Errc::config, "storage synchronous must be \"full\" or \"normal\", not \"" +
                                std::string(level) + "\"");
}

// journal_mode answers with the mode in force: a file on a filesystem
// without shared memory support stays in its old mode instead of failing.
Result<void> enable_wal(Database& db, const std::filesystem::path& file) {
  auto st = db.prepare("PRAGMA journal_mode = WAL");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::string mode = *row ? (*st)->column_text(0) : std::string();
  (*st)->reset();
  if (mode == "wal" || mode == "memory") return {};
  return fail(Errc::storage, "could not switch " + file.string() +
                                 " to WAL journal mode (it stays \"" + mode + "\")");
}

Result<void> configure(Database& db, const std::filesystem::path& file, const OpenOptions& options,
                       std::string_view synchronous) {
  sqlite3_extended_result_codes(db.handle(), 1);
  sqlite3_busy_timeout(db.handle(), options.busy_timeout_ms);
  // The journal mode is stored in the file: only the writer sets it.
  if (!options.read_only) {
    if (auto r = enable_wal(db, file); !r) return r;
  }
  if (auto r = db.exec("PRAGMA foreign_keys = ON"); !r) return r;
  return db.exec(synchronous);
}

// Why `file` cannot be opened for writing, as the kernel answers for the
// file (when it exists) and for its directory, where SQLite creates the
// -wal and -shm files; empty when both are writable. access(2) answers for
// the immutable attribute and a read-only mount even to root.
std::string not_writable(const std::filesystem::path& file) {
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  for (const auto& [what, path] : {std::pair{"file", file}, std::pair{"directory", dir}}) {
    if (::access(path.c_str(), W_OK) == 0 || errno == ENOENT) continue;
    return "the " + std::string(what) + " " + path.string() + " is not writable (" +
           std::generic_category().message(errno) +
           "; check its owner, mode and immutable attribute, and the mount)";
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file,
                                                 const OpenOptions& options) {
  auto synchronous = synchronous_pragma(options.synchronous);
  if (!synchronous) return synchronous.error();
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &handle, flags, nullptr);
  // From here the handle is owned, even when the open failed.
  std::unique_ptr<Database> db(new Database(handle));
  // A file that cannot be written is named from the file system's side
  // first: SQLite's own words describe the last call it tried.
  auto failed = [&](Error error) {
    const std::string why =
        !options.read_only && error.code == Errc::unavailable ? not_writable(file) : std::string();
    error.message =
        "opening " + file.string() + ": " + (why.empty() ? "" : why + ": ") + error.message;
    return error;
  };
  if (rc != SQLITE_OK) return failed(sqlite_error(handle, rc, {}));
  // A file that cannot be opened for writing is opened for reading instead,
  // silently: every write would then fail, far from the cause.
  if (!options.read_only && sqlite3_db_readonly(handle, "main") == 1) {
    return failed(fail(Errc::unavailable, "it could be opened for reading only"));
  }
  if (auto r = configure(*db, file, options, *synchronous); !r) return failed(r.error());
  return db;
}

Database::~Database() {
  // Statements must be finalized before the connection can close.
  statements_.clear();
  sqlite3_close_v2(db_);
}

Result<Statement*> Database::prepare(std::string_view sql) {
  const std::string key(sql);
  if (auto it = statements_.find(key); it != statements_.end()) {
    it->second->reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
  auto owned = std::make_unique<Statement>(stmt);
  // A second statement in the text would be silently ignored: refuse it.
  if (tail != nullptr &&
      std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return fail(Errc::internal, "prepare takes one statement: \"" + first_words(sql) + "\"");
  }
  if (stmt == nullptr) return fail(Errc::internal, "prepare of an empty statement");
  Statement* raw = owned.get();
  statements_.emplace(key, std::move(owned));
  return raw;
}

Result<void> Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  // sqlite3_exec's message is the failing statement's; errmsg still holds it.
  sqlite3_free(message);
  return sqlite_error(db_, rc, sql);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Result<void> write_probe(Database& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::int64_t version = *row ? (*st)->column_int(0) : 0;
  (*st)->reset();
  // A pragma's value cannot be bound: it is formatted from the integer read.
  return db.exec("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace ponte::storage
