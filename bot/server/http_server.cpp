#include "bot/server/http_server.hpp"
#include "bot/server/net.hpp"

#include "bot/core/log.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <random>

namespace ponte::server {

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;

bool is_quiet_close(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::eof || ec == net::error::broken_pipe;
}

// After refusing a body, keep reading (and dropping) what the client is still
// sending for a moment, so it reads our answer instead of a connection reset.
// Bounded in bytes and time: a refusal stays cheap.
net::awaitable<void> linger(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (drained < 8 * 1024 * 1024) {
    auto [rec, n] = co_await stream.async_read_some(net::buffer(sink), use_nothrow);
    if (rec) break;
    drained += n;
  }
}

// Past the connection cap: a canned answer written without waiting (the
// socket's buffer is empty, so it fits), then the socket is closed. Costs
// no coroutine, no buffer, no descriptor kept.
template <typename Socket>
void refuse(Socket& socket) {
  static constexpr std::string_view kBody = "{\"error\":\"too many connections\"}";
  static const std::string kResponse =
      "HTTP/1.1 503 Service Unavailable\r\nServer: ponte\r\nContent-Type: application/json\r\n"
      "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
      std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.send(net::buffer(kResponse), 0, ec);
  // Drop what the client already sent, so closing does not reset the
  // connection before it reads the answer.
  std::array<char, 4096> sink;
  for (int i = 0; i < 16 && !ec; ++i) {
    if (socket.receive(net::buffer(sink), 0, ec) == 0) break;
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

struct HttpServer::Connection {
  Connection(tcp::socket socket, std::uint64_t id) : stream(std::move(socket)), id(id) {}
  beast::tcp_stream stream;
  std::uint64_t id;
  std::string remote;
  // Both touched only on the connection's strand.
  bool busy = false;
  bool closing = false;
  // When it began waiting for a request (steady clock, ns); 0 while a
  // request is in hand. Read by the accept loop to pick whom to evict.
  std::atomic<std::int64_t> idle_since{0};
};

RequestContext make_context(const Request& request, std::string id, std::string remote) {
  const std::string_view target = request.target();
  const auto q = target.find('?');
  return RequestContext{
      request, std::move(id), std::move(remote), std::string(target.substr(0, q)),
      q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1))};
}

void apply_limits(RequestParser& parser, const HttpConfig& config) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(config.body_limit);
}

Response make_response(const Request& req, http::status status, std::string body,
                       std::string_view content_type) {
  Response res{status, req.version()};
  res.set(http::field::server, "ponte");
  if (!body.empty()) res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.keep_alive(req.keep_alive());
  return res;
}

Response json_error(const Request& req, http::status status, std::string_view message) {
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') body.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) body.push_back(c);
  }
  body += "\"}";
  return make_response(req, status, std::move(body));
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    auto raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out.push_back(' ');
      } else if (raw[i] == '%') {
        if (i + 2 >= raw.size() || !std::isxdigit(static_cast<unsigned char>(raw[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
          return std::nullopt;
        }
        out.push_back(static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return std::nullopt;
}

HttpServer::HttpServer(net::io_context& ioc, const HttpConfig& config, Handler handler)
    : ioc_(ioc),
      config_(config),
      handler_(std::move(handler)),
      acceptor_(net::make_strand(ioc)),
      max_connections_(static_cast<std::size_t>(std::max(1, config.max_connections))) {
  std::random_device rd;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", rd() & 0xffff);
  id_prefix_ = buf;
}

HttpServer::~HttpServer() = default;

Result<tcp::endpoint> HttpServer::listen(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return fail(Errc::config, "listen: \"" + host + "\" is not an IP address");
  const tcp::endpoint endpoint{address, port};
  const auto where = host + ":" + std::to_string(port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return fail(Errc::config, "listen " + where + ": " + ec.message());
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor_.bind(endpoint, ec); ec) {
    return fail(Errc::config, "listen " + where + ": " + ec.message());
  }
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    return fail(Errc::config, "listen " + where + ": " + ec.message());
  }
  return acceptor_.local_endpoint();
}

void HttpServer::start() {
  net::co_spawn(acceptor_.get_executor(), accept_loop(), log::IfThrown{"http.accept_crashed"});
}

void HttpServer::begin_shutdown() {
  shutting_down_ = true;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  std::lock_guard lock(mutex_);
  for (auto& [id, weak] : connections_) {
    auto conn = weak.lock();
    if (!conn) continue;
    net::post(conn->stream.get_executor(), [conn] {
      conn->closing = true;
      if (!conn->busy) {
        boost::system::error_code ec;
        conn->stream.socket().cancel(ec);
      }
    });
  }
}

// At the cap, the connection that has waited longest for a request makes
// room (like a web server reusing idle keep-alive slots): connections that
// send nothing cannot lock the platforms' webhooks out. Only when every
// connection has a request in hand is the newcomer refused.
bool HttpServer::evict_idlest() {
  std::shared_ptr<Connection> idlest;
  std::int64_t oldest = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
      auto conn = weak.lock();
      if (!conn) continue;
      const auto since = conn->idle_since.load();
      if (since != 0 && (idlest == nullptr || since < oldest)) {
        idlest = std::move(conn);
        oldest = since;
      }
    }
  }
  if (!idlest) return false;
  idlest->idle_since = 0;  // not picked twice
  net::post(idlest->stream.get_executor(), [idlest] {
    idlest->closing = true;
    if (!idlest->busy) {
      boost::system::error_code ec;
      idlest->stream.socket().cancel(ec);
    }
  });
  ++evicted_;
  return true;
}

std::size_t HttpServer::live_connections() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, weak] : connections_) n += !weak.expired();
  return n;
}

net::awaitable<void> HttpServer::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(ioc_), use_nothrow);
    if (ec) {
      if (shutting_down_ || !acceptor_.is_open()) co_return;
      log::warn("http.accept_failed", {{"error", ec.message()}});
      // Out of file descriptors: back off briefly instead of spinning.
      net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    std::size_t open = 0;
    {
      std::lock_guard lock(mutex_);
      open = connections_.size();
    }
    if (open >= max_connections_ && !evict_idlest()) {
      const auto refused = refused_.fetch_add(1) + 1;
      const auto now = std::chrono::steady_clock::now();
      if (now - refused_logged_ >= std::chrono::seconds(1)) {  // not one line per attempt
        refused_logged_ = now;
        log::warn("http.connection_refused",
                  {{"open", open}, {"max", max_connections_.load()}, {"refused_total", refused}});
      }
      refuse(socket);
      continue;
    }
    const auto id = next_id_.fetch_add(1);
    auto conn = std::make_shared<Connection>(std::move(socket), id);
    boost::system::error_code rec;
    const auto remote = conn->stream.socket().remote_endpoint(rec);
    if (!rec) conn->remote = remote.address().to_string() + ":" + std::to_string(remote.port());
    {
      std::lock_guard lock(mutex_);
      connections_.emplace(id, conn);
    }
    net::co_spawn(conn->stream.get_executor(), serve(conn), [this, id](std::exception_ptr e) {
      if (e) log::exception("http.connection_crashed", e);
      std::lock_guard lock(mutex_);
      connections_.erase(id);
    });
  }
}

net::awaitable<void> HttpServer::serve(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  for (;;) {
    if (conn->closing || shutting_down_) break;
    RequestParser parser;
    apply_limits(parser, config_);
    conn->busy = false;
    conn->idle_since = std::chrono::steady_clock::now().time_since_epoch().count();
    conn->stream.expires_after(std::chrono::milliseconds(config_.idle_timeout_ms));
    auto [hec, hn] = co_await http::async_read_header(conn->stream, buffer, parser, use_nothrow);
    // Beast checks Content-Length against the limit while reading the header.
    bool too_large = hec == http::error::body_limit;
    if (hec && !too_large) {
      if (!is_quiet_close(hec) && hec != http::error::partial_message) {
        log::info("http.bad_request", {{"remote", conn->remote}, {"error", hec.message()}});
        Request dummy;
        auto res = json_error(dummy, http::status::bad_request, "malformed HTTP request");
        res.keep_alive(false);
        res.prepare_payload();
        conn->stream.expires_after(std::chrono::milliseconds(config_.write_timeout_ms));
        co_await http::async_write(conn->stream, res, use_nothrow);
      }
      break;
    }
    conn->busy = true;
    conn->idle_since = 0;
    boost::system::error_code bec;
    if (!too_large) {
      if (auto it = parser.get().find(http::field::expect);
          it != parser.get().end() && beast::iequals(it->value(), "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        conn->stream.expires_after(std::chrono::milliseconds(config_.write_timeout_ms));
        co_await http::async_write(conn->stream, cont, use_nothrow);
      }
      conn->stream.expires_after(std::chrono::milliseconds(config_.read_timeout_ms));
      auto [ec, n] = co_await http::async_read(conn->stream, buffer, parser, use_nothrow);
      bec = ec;
      too_large = bec == http::error::body_limit;  // chunked bodies grow past it
    }
    if (too_large) {
      // Refused cheaply: the body is never parsed, and the connection closes.
      log::warn("http.too_large",
                {{"remote", conn->remote}, {"path", std::string(parser.get().target())}});
      auto res = json_error(parser.get(), http::status::payload_too_large, "body too large");
      res.keep_alive(false);
      res.prepare_payload();
      conn->stream.expires_after(std::chrono::milliseconds(config_.write_timeout_ms));
      co_await http::async_write(conn->stream, res, use_nothrow);
      co_await linger(conn->stream);
      break;
    }
    if (bec) {
      if (!is_quiet_close(bec)) {
        log::info("http.bad_request", {{"remote", conn->remote}, {"error", bec.message()}});
      }
      break;
    }
    auto req = parser.release();
    const bool keep = co_await handle_one(*conn, req);
    if (!keep) break;
  }
  boost::system::error_code ec;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  conn->stream.socket().close(ec);
}

net::awaitable<bool> HttpServer::handle_one(Connection& conn, Request& req) {
  char idbuf[32];
  std::snprintf(idbuf, sizeof idbuf, "%s-%llx", id_prefix_.c_str(),
                static_cast<unsigned long long>(next_id_.fetch_add(1)));
  RequestContext ctx = make_context(req, idbuf, conn.remote);
  const auto started = std::chrono::steady_clock::now();
  Reply reply;
  try {
    reply = co_await handler_(ctx);
  } catch (...) {
    log::exception("http.handler_crashed", std::current_exception(), ctx.id);
    reply.response = json_error(req, http::status::internal_server_error, "internal error");
    reply.takeover = nullptr;
  }
  if (reply.takeover) {
    log::info("http.stream", {{"req", ctx.id}, {"path", ctx.path}});
    co_await reply.takeover(conn.stream);
    co_return false;
  }
  auto& res = reply.response;
  const bool keep = req.keep_alive() && res.keep_alive() && !conn.closing && !shutting_down_;
  res.keep_alive(keep);
  res.set("X-Request-Id", ctx.id);
  res.prepare_payload();
  const auto status = res.result_int();
  conn.stream.expires_after(std::chrono::milliseconds(config_.write_timeout_ms));
  auto [wec, wn] = co_await http::async_write(conn.stream, res, use_nothrow);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  // A 503 asks the client to come back (storage degraded, shutting down):
  // its cause is logged once where it happens, so each one is a warning.
  const auto level = status >= 500 && status != 503 ? log::Level::error
                     : status >= 400                ? log::Level::warn
                                                    : log::Level::info;
  if (log::enabled(level)) {
    log::write(level, "http.request",
               {{"req", ctx.id},
                {"method", std::string(req.method_string())},
                {"path", ctx.path},
                {"status", status},
                {"us", us},
                {"remote", conn.remote}});
  }
  co_return !wec && keep;
}

}  // namespace ponte::server
