// SQLite result codes -> Errc messages an operator can act on.
#include "storage/sqlite_error.hpp"

#include <sqlite3.h>

#include <system_error>

namespace ponte::storage {
namespace {

// The plain-words name for the conditions an operator can fix; empty for
// the rest, where SQLite's own message is clear enough.
std::string_view plain_condition(int primary) {
  switch (primary) {
    case SQLITE_FULL: return "disk full";
    case SQLITE_READONLY: return "database is read-only";
    case SQLITE_IOERR: return "disk I/O error";
    case SQLITE_BUSY: return "database is locked by another connection";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "database file is corrupt";
    case SQLITE_CANTOPEN: return "cannot open database file";
    case SQLITE_PERM: return "permission denied";
    case SQLITE_NOMEM: return "out of memory";
    default: return {};
  }
}

// Conditions of the machine, not of the data: they end when someone frees
// the disk, fixes a permission or stops the other process, and the same
// write then succeeds.
bool environmental(int primary) {
  switch (primary) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOMEM: return true;
    default: return false;
  }
}

}  // namespace

std::string first_words(std::string_view sql, int words) {
  std::string out;
  int count = 0;
  bool in_space = true;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      in_space = true;
      continue;
    }
    if (in_space) {
      if (count == words) return out + " ...";
      if (!out.empty()) out += ' ';
      ++count;
      in_space = false;
    }
    out += c;
  }
  return out;
}

Error sqlite_error(sqlite3* db, int rc, std::string_view sql) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message;
  if (auto plain = plain_condition(rc & 0xff); !plain.empty()) {
    message.append(plain).append(": ");
  }
  message.append(detail).append(" (sqlite code ").append(std::to_string(rc));
  // What the kernel said ("No space left on device", "File too large") is
  // what tells an operator which limit was hit.
  if (const int sys = db != nullptr ? sqlite3_system_errno(db) : 0;
      sys != 0 && environmental(rc & 0xff)) {
    message.append(", system: ").append(std::generic_category().message(sys));
  }
  message.append(")");
  if (!sql.empty()) message.append(" in \"").append(first_words(sql)).append("\"");
  return Error{environmental(rc & 0xff) ? Errc::unavailable : Errc::storage, std::move(message)};
}

}  // namespace ponte::storage
