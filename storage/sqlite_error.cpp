// SQLite result codes -> Errc messages an operator can act on.
#include "storage/sqlite_error.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <system_error>

namespace ponte::storage {
namespace {

// The plain-words name for the conditions an operator can fix; empty for
// the rest, where SQLite's own message is clear enough. The kernel's reason
// comes first when it is a refused permission: a read-only mount, an
// immutable file or a directory the service cannot write reaches SQLite as
// whichever call it refused (SQLITE_IOERR_WRITE on a file already open,
// SQLITE_CANTOPEN or SQLITE_IOERR_SHMOPEN when the -wal or -shm file cannot
// be created...), and "disk I/O error" would send the operator after a
// failing disk.
std::string_view plain_condition(int rc, int sys) {
  switch (sys) {
    case EROFS: return "the file system holding the database is read-only";
    case EPERM:
    case EACCES:
      return "the database file or its directory is not writable (check its owner, mode and "
             "immutable attribute)";
    default: break;
  }
  if (rc == SQLITE_READONLY_DIRECTORY) return "the database's directory is not writable";
  switch (rc & 0xff) {
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

// Only these come from a refused system call: after the others errno is
// whatever an earlier call left.
bool from_system_call(int rc) {
  if (rc == SQLITE_IOERR_SHORT_READ || rc == SQLITE_IOERR_NOMEM) return false;
  return (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN;
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

Error sqlite_error(int rc, int sys, std::string_view detail, std::string_view sql) {
  if (!from_system_call(rc)) sys = 0;
  std::string message;
  if (auto plain = plain_condition(rc, sys); !plain.empty()) message.append(plain).append(": ");
  message.append(detail).append(" (sqlite code ").append(std::to_string(rc));
  // What the kernel said ("No space left on device", "File too large") is
  // what tells an operator which limit was hit.
  if (sys != 0) message.append(", system: ").append(std::generic_category().message(sys));
  message.append(")");
  if (!sql.empty()) message.append(" in \"").append(first_words(sql)).append("\"");
  return Error{environmental(rc & 0xff) ? Errc::unavailable : Errc::storage, std::move(message)};
}

// The kernel's reason is errno as the failing call left it, which is what
// SQLite itself records (its unix xGetLastError is errno). Not
// sqlite3_system_errno: SQLite does not record it when the refused write
// is inside COMMIT (where a WAL database writes), and it would still hold
// an earlier fault's.
Error sqlite_error(sqlite3* db, int rc, std::string_view sql) {
  const int sys = errno;
  return sqlite_error(rc, sys, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sql);
}

}  // namespace ponte::storage
