// How SQLite failures reach the logs. Operators read these lines at 3 a.m.,
// so the conditions they can fix (disk full, read-only file, I/O error,
// another process holding the lock) are named plainly before SQLite's own
// words, the kernel's (errno) and the first words of the statement that
// failed. Internal to storage/: callers only ever see the Error it builds:
// Errc::unavailable for those conditions of the machine (disk full or
// failing, read-only, locked, cannot open, out of memory), which end when
// the machine is fixed and the same write then succeeds (the server answers
// 503 + Retry-After and reports the storage as degraded); Errc::storage for
// the rest (constraints, corruption, misuse), which retrying does not fix.
#pragma once

#include "bot/core/error.hpp"

#include <string>
#include <string_view>

struct sqlite3;

namespace ponte::storage {

// `rc` is the (extended) result code; `db` may be null when no connection
// exists yet. Reads sqlite3_errmsg and errno, so call it right after the
// failing call.
Error sqlite_error(sqlite3* db, int rc, std::string_view sql);
// The same from its parts: `sys` is the errno the failing call left (0 if
// none), `detail` SQLite's message.
Error sqlite_error(int rc, int sys, std::string_view detail, std::string_view sql);

// "INSERT INTO messages (contact_id, kind) ..." -> "INSERT INTO messages (contact_id, ...":
// enough to find the statement, never the bound values (they may be personal).
std::string first_words(std::string_view sql, int words = 4);

}  // namespace ponte::storage
