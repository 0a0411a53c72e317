// The HTTP/1.1 server: an accept loop and one coroutine per connection, on
// its own strand. Keep-alive, a body limit (413 past it), header/read/idle
// timeouts, a request id per request, one log line per request. Shutdown:
// stop accepting, close idle connections, let busy ones finish the request
// in hand (then close), and report when none are left.
#pragma once

#include "bot/server/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ponte::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct RequestContext {
  const Request& request;
  std::string id;      // request id, also in every log line about it
  std::string remote;  // peer address
  std::string path;    // target without the query
  std::string query;   // after '?', undecoded
};

// The context of a request: its target split into path and query.
RequestContext make_context(const Request& request, std::string id, std::string remote);

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
// Sets the limits every request is read with: 16 KiB of header, and
// config.body_limit of body (413 past it).
void apply_limits(RequestParser& parser, const HttpConfig& config);

// A handler either returns a response, or takes the connection over (a
// Server-Sent Events stream): then `takeover` writes everything itself and
// the connection closes when it returns.
struct Reply {
  Response response;
  std::function<boost::asio::awaitable<void>(boost::beast::tcp_stream&)> takeover;
};

using Handler = std::function<boost::asio::awaitable<Reply>(RequestContext&)>;

// Short replies with a JSON body {"error": "..."} or a plain body.
Response make_response(const Request& req, boost::beast::http::status status, std::string body = {},
                       std::string_view content_type = "application/json");
Response json_error(const Request& req, boost::beast::http::status status,
                    std::string_view message);

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, const HttpConfig& config, Handler handler);
  ~HttpServer();

  // Binds and listens; an error says what and where ("address in use").
  Result<boost::asio::ip::tcp::endpoint> listen(const std::string& host, std::uint16_t port);
  void start();
  // Shutdown step 1 and 2: stop accepting; close idle keep-alive connections
  // and mark busy ones to close after their response.
  void begin_shutdown();
  std::size_t live_connections() const;
  // Open connections at most (HttpConfig::max_connections, lowered by
  // serve() to what the descriptor limit allows). Past it the connection
  // idle the longest is closed to make room; when none is idle the new one
  // is answered 503 and closed at once.
  void set_max_connections(std::size_t n) { max_connections_ = n; }
  std::size_t max_connections() const { return max_connections_; }
  std::uint64_t refused_connections() const { return refused_.load(); }
  std::uint64_t evicted_connections() const { return evicted_.load(); }
  bool shutting_down() const { return shutting_down_; }

 private:
  struct Connection;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  boost::asio::awaitable<bool> handle_one(Connection& conn, Request& req);
  bool evict_idlest();

  boost::asio::io_context& ioc_;
  const HttpConfig& config_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::uint64_t> next_id_{1};
  std::string id_prefix_;
  std::atomic<std::size_t> max_connections_;
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> evicted_{0};
  std::chrono::steady_clock::time_point refused_logged_{};  // accept strand only
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
};

}  // namespace ponte::server

namespace ponte::server {
// The value of `name` in an undecoded query string ("a=1&b=x%20y"), decoded;
// nullopt when absent or badly encoded.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
}  // namespace ponte::server
