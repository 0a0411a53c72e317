// Schema migrations: storage/migrations/NNN_name.sql, compiled into the
// binary, applied in order at start. Each runs in its own transaction with
// the row recording it, so a crash leaves the file at one version or the
// next, never between. A file newer than the binary is refused: an old
// binary writing to a newer schema could silently lose data.
#include "storage/database.hpp"
#include "storage/embedded_migrations.hpp"

#include <charconv>
#include <chrono>
#include <vector>

namespace ponte::storage {
namespace {

struct Migration {
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

// "001_initial.sql" -> 1. A malformed name is a build mistake, not a
// condition an operator can fix, hence Errc::internal.
Result<int> version_of(std::string_view name) {
  int version = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  const bool shaped = ec == std::errc() && end != name.data() && end < name.data() + name.size() &&
                      *end == '_' && name.ends_with(".sql");
  if (!shaped || version <= 0) {
    return fail(Errc::internal, "migration file \"" + std::string(name) +
                                    "\" is not named NNN_name.sql with NNN > 0");
  }
  return version;
}

Result<std::vector<Migration>> embedded_migrations() {
  std::vector<Migration> out;
  for (const EmbeddedFile& file : migrations::embedded_files()) {
    auto version = version_of(file.name);
    if (!version) return version.error();
    if (!out.empty() && *version <= out.back().version) {
      return fail(Errc::internal, "migration \"" + std::string(file.name) +
                                      "\" does not follow \"" + std::string(out.back().name) +
                                      "\" in version order");
    }
    out.push_back(Migration{*version, file.name, file.data});
  }
  return out;
}

Result<int> current_version(Database& db) {
  auto created = db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  if (!created) return created.error();
  auto st = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  const auto version = static_cast<int>((*st)->column_int(0));
  (*st)->reset();
  return version;
}

Result<void> apply_body(Database& db, const Migration& m) {
  if (auto r = db.exec(m.sql); !r) return r;
  auto st =
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
  if (!st) return st.error();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return (*st)->bind(1, std::int64_t{m.version}).bind(2, m.name).bind(3, std::int64_t{now}).run();
}

Result<void> apply(Database& db, const Migration& m) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r;
  auto r = apply_body(db, m);
  if (r) r = db.exec("COMMIT");
  if (!r) {
    (void)db.exec("ROLLBACK");  // may fail if SQLite already rolled back
    return fail(Errc::storage, "migration " + std::string(m.name) + ": " + r.error().message);
  }
  return {};
}

}  // namespace

int latest_schema_version() {
  auto all = embedded_migrations();
  if (!all || all->empty()) return 0;
  return all->back().version;
}

Result<void> migrate(Database& db) {
  auto all = embedded_migrations();
  if (!all) return all.error();
  auto current = current_version(db);
  if (!current) return current.error();
  const int latest = all->empty() ? 0 : all->back().version;
  if (*current > latest) {
    return fail(Errc::storage, "database schema version " + std::to_string(*current) +
                                   " is newer than this ponte knows (" + std::to_string(latest) +
                                   "): run a newer ponte or restore a matching backup");
  }
  for (const Migration& m : *all) {
    if (m.version <= *current) continue;
    if (auto r = apply(db, m); !r) return r;
  }
  return {};
}

}  // namespace ponte::storage
