// Helpers the storage tests share: a real temporary directory under /tmp
// (removed afterwards), a migrated database in it, and one-line queries for
// checking what is really on disk.
#pragma once

#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ponte::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/ponte-storage-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(std::string_view name = "ponte.db") const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Opens (and migrates, unless read-only) or fails the test with the reason.
inline std::unique_ptr<Database> open_db(const std::filesystem::path& file,
                                         OpenOptions options = {}) {
  auto db = Database::open(file, options);
  if (!db) throw std::runtime_error("open: " + db.error().message);
  if (!options.read_only) {
    if (auto r = migrate(**db); !r) throw std::runtime_error("migrate: " + r.error().message);
  }
  return std::move(*db);
}

// The first column of the first row of `sql` as an integer.
inline std::int64_t scalar(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  if (!st) throw std::runtime_error("prepare: " + st.error().message);
  auto row = (*st)->step();
  if (!row || !*row) throw std::runtime_error("no row for " + std::string(sql));
  const std::int64_t value = (*st)->column_int(0);
  (*st)->reset();
  return value;
}

// "ok" for a sound file, SQLite's complaints otherwise.
inline std::string integrity(Database& db) {
  auto st = db.prepare("PRAGMA integrity_check");
  if (!st) return "prepare failed: " + st.error().message;
  std::string out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return "integrity_check failed: " + row.error().message;
    if (!*row) break;
    if (!out.empty()) out += "; ";
    out += (*st)->column_text(0);
  }
  (*st)->reset();
  return out;
}

inline Contact make_contact(Database& db, std::string_view external_id, std::int64_t at = 1000) {
  return upsert_contact(db, Channel::telegram, external_id, "chat-" + std::string(external_id), "",
                        at)
      .value();
}

}  // namespace ponte::storage::testing
