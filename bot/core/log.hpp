// Structured one-line logs: `ts=... level=info event=webhook.accepted req=7f3a`.
// Values with spaces, quotes or '=' are quoted and escaped so a line stays one
// line whatever a person typed. Thread-safe; writes to stderr.
#pragma once

#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ponte::log {

enum class Level { debug, info, warn, error };

struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <class N>
  requires std::is_arithmetic_v<N> Field(std::string_view k, N v)
      : key(k), value(std::to_string(v)) {}
};

void set_level(Level level);
bool enabled(Level level);
// Formats one line; exposed for tests.
std::string format(Level level, std::string_view event, std::initializer_list<Field> fields);
void write(Level level, std::string_view event, std::initializer_list<Field> fields);

// Logs an exception that escaped (a bug: expected failures are values),
// as `event` with `subject` (a request id, a queue) naming what it hit.
void exception(std::string_view event, std::exception_ptr e, std::string_view subject = "-");
// Completion handler for co_spawn: logs what escaped the coroutine, so the
// process keeps serving. `net::co_spawn(ex, work(), log::IfThrown{"http.accept"})`.
struct IfThrown {
  std::string_view event;
  std::string subject = "-";
  void operator()(std::exception_ptr e) const {
    if (e) exception(event, e, subject);
  }
};

inline void debug(std::string_view e, std::initializer_list<Field> f = {}) {
  if (enabled(Level::debug)) write(Level::debug, e, f);
}
inline void info(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::info, e, f);
}
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::warn, e, f);
}
inline void error(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::error, e, f);
}

}  // namespace ponte::log
