// The one table from expected errors to HTTP: the log gets the detail, the
// client a short body.
#pragma once

#include "bot/core/error.hpp"

#include <boost/beast/http/status.hpp>

namespace ponte::server {

inline boost::beast::http::status http_status_for(Errc code) {
  using boost::beast::http::status;
  switch (code) {
    case Errc::parse: return status::bad_request;
    case Errc::invalid: return status::unprocessable_entity;
    case Errc::unauthorized: return status::unauthorized;
    case Errc::not_found: return status::not_found;
    case Errc::too_large: return status::payload_too_large;
    case Errc::conflict: return status::conflict;
    case Errc::storage: return status::service_unavailable;
    case Errc::unavailable: return status::service_unavailable;
    case Errc::timeout: return status::service_unavailable;
    case Errc::config: return status::internal_server_error;
    case Errc::internal: return status::internal_server_error;
    case Errc::window_closed: return status::conflict;
  }
  return status::internal_server_error;
}

}  // namespace ponte::server
