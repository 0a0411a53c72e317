// LocalServer: accept loop and per-connection keep-alive loop. Closing the
// listener also closes open connections, so a client sees a dead service
// (reset, then refused) rather than a half-dead one.
#include "tests/support/local_server.hpp"
#include "bot/core/log.hpp"
#include "bot/server/net.hpp"

#include <cstdio>
#include <exception>
#include <future>
#include <latch>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace ponte::testing {
namespace {

constexpr std::size_t kMaxBody = 16 * 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

}  // namespace

struct LocalServer::Connection {
  Connection(tcp::socket socket, std::uint64_t id_) : stream(std::move(socket)), id(id_) {}
  beast::tcp_stream stream;
  std::uint64_t id;
};

LocalServer::LocalServer(ServerHandler handler, std::uint16_t port, int threads)
    : handler_(std::move(handler)), work_(net::make_work_guard(ioc_)) {
  auto acceptor = open_acceptor(port);
  port_ = acceptor->local_endpoint().port();
  acceptor_ = acceptor;
  net::co_spawn(acceptor->get_executor(), accept_loop(acceptor),
                log::IfThrown{"local_server.accept"});
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { ioc_.run(); });
}

LocalServer::~LocalServer() { stop(); }

void LocalServer::stop() {
  if (threads_.empty()) return;
  close_listener();
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::shared_ptr<LocalServer::Acceptor> LocalServer::open_acceptor(std::uint16_t port) {
  auto acceptor = std::make_shared<Acceptor>(net::make_strand(ioc_));
  tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), port);
  acceptor->open(endpoint.protocol());
  acceptor->set_option(net::socket_base::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen(net::socket_base::max_listen_connections);
  return acceptor;
}

void LocalServer::close_listener() {
  std::shared_ptr<Acceptor> acceptor;
  {
    std::lock_guard lock(mutex_);
    acceptor = std::move(acceptor_);
  }
  if (acceptor) {
    // The acceptor belongs to its strand: close it there and wait.
    std::promise<void> closed;
    net::post(acceptor->get_executor(), [acceptor, &closed] {
      boost::system::error_code ec;
      acceptor->close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
  }
  close_all();
}

void LocalServer::reopen_listener() {
  auto acceptor = open_acceptor(port_);
  {
    std::lock_guard lock(mutex_);
    acceptor_ = acceptor;
  }
  net::co_spawn(acceptor->get_executor(), accept_loop(acceptor),
                log::IfThrown{"local_server.accept"});
}

void LocalServer::close_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  auto done = std::make_shared<std::latch>(static_cast<std::ptrdiff_t>(live.size()));
  for (auto& c : live) {
    net::post(c->stream.get_executor(), [c, done] {
      boost::system::error_code ec;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      c->stream.close();
      done->count_down();
    });
  }
  done->wait();
}

net::awaitable<void> LocalServer::accept_loop(std::shared_ptr<Acceptor> acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(net::make_strand(ioc_), use_nothrow);
    // close_listener() closes the acceptor on this strand: a connection
    // accepted just before it must not outlive the listener.
    if (!acceptor->is_open()) co_return;
    if (ec) continue;
    std::shared_ptr<Connection> connection;
    {
      std::lock_guard lock(mutex_);
      connection = std::make_shared<Connection>(std::move(socket), next_id_++);
      connections_[connection->id] = connection;
    }
    ++accepted_;
    net::co_spawn(connection->stream.get_executor(), serve(connection),
                  log::IfThrown{"local_server.serve"});
  }
}

net::awaitable<void> LocalServer::serve(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    connection->stream.expires_after(kIdleTimeout);
    auto [ec, n] = co_await http::async_read(connection->stream, buffer, parser, use_nothrow);
    if (ec) break;  // eof, timeout, closed by close_listener(): nobody to answer
    ServerRequest request = parser.release();
    bool keep_alive = request.keep_alive();
    ServerResponse response = co_await handler_(std::move(request));
    if (response.find(kResetConnectionHeader) != response.end()) {
      boost::system::error_code ignored;
      connection->stream.socket().set_option(net::socket_base::linger(true, 0), ignored);
      connection->stream.close();
      break;
    }
    keep_alive = keep_alive && response.keep_alive();
    response.keep_alive(keep_alive);
    response.prepare_payload();
    connection->stream.expires_after(kWriteTimeout);
    auto [write_ec, written] =
        co_await http::async_write(connection->stream, response, use_nothrow);
    if (write_ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::lock_guard lock(mutex_);
  connections_.erase(connection->id);
}

}  // namespace ponte::testing
