#include "bot/core/error.hpp"

#include <stdexcept>

namespace ponte {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::parse: return "parse";
    case Errc::invalid: return "invalid";
    case Errc::unauthorized: return "unauthorized";
    case Errc::not_found: return "not_found";
    case Errc::too_large: return "too_large";
    case Errc::conflict: return "conflict";
    case Errc::storage: return "storage";
    case Errc::unavailable: return "unavailable";
    case Errc::timeout: return "timeout";
    case Errc::config: return "config";
    case Errc::internal: return "internal";
    case Errc::window_closed: return "window_closed";
  }
  return "unknown";
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(std::string(errc_name(error.code)) + ": " + error.message);
}

}  // namespace ponte
