// The names every networking file uses, said once: Asio/Beast namespace
// aliases and `use_nothrow`, the completion token that returns errors as
// values (Boost 1.81: pass the token explicitly; bare as_tuple is newer).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace boost::beast::http {}

namespace ponte {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

inline constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

}  // namespace ponte
