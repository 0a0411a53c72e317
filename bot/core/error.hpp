// Expected failures are values: Result<T> = boost::system::result<T, Error>.
// Exceptions mean a bug and stop at a boundary (a coroutine's completion
// handler, main). The Errc -> HTTP status table lives in the server.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace ponte {

enum class Errc {
  parse,         // malformed input (JSON syntax, wrong shape)
  invalid,       // well-formed but not acceptable (bad value, unknown key)
  unauthorized,  // signature or secret does not match
  not_found,
  too_large,
  conflict,     // duplicate, stale claim, concurrent edit
  storage,      // the database refused or failed
  unavailable,  // a dependency (platform API, disk) is down for now
  timeout,
  config,  // configuration problem found at start
  internal,
  // WhatsApp's 24-hour customer service window is closed and no template
  // is configured for the person's language: the message cannot be sent.
  window_closed,
};

std::string_view errc_name(Errc code) noexcept;

// The enum comes first so an Error is never built from a lone string, which
// would make Result<std::string> ambiguous.
struct Error {
  Errc code;
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

// Shorthand for returning an error: `return fail(Errc::parse, "...")`.
inline Error fail(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace ponte
