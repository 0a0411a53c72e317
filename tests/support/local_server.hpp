// A small HTTP/1.1 server on 127.0.0.1 for test doubles (the fake Telegram,
// the load generator's echo bot): keep-alive connections, one coroutine and
// one strand per connection, a coroutine handler per request. It can stop
// listening and listen again on the same port, to play a dead service.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ponte::testing {

using ServerRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ServerResponse = boost::beast::http::response<boost::beast::http::string_body>;
// Called on the connection's strand, one request at a time per connection.
// The server sets Content-Length and keep-alive; a handler may answer with
// keep_alive(false) to close the connection after the response.
using ServerHandler = std::function<boost::asio::awaitable<ServerResponse>(ServerRequest)>;
// A handler that answers with this header makes the server abort the
// connection instead of answering: a TCP reset (SO_LINGER 0), as a peer
// that crashed mid-request or a middlebox that cut the connection.
inline constexpr const char* kResetConnectionHeader = "X-Local-Server-Reset";

class LocalServer {
 public:
  // Binds 127.0.0.1:port (0 = any free port) and starts `threads` threads.
  // Throws boost::system::system_error if the port cannot be bound. The
  // handler must stay valid until the server is destroyed.
  LocalServer(ServerHandler handler, std::uint16_t port, int threads);
  // stop(), then destroys the io_context and whatever still waits on it.
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  std::uint16_t port() const { return port_; }
  boost::asio::io_context& context() { return ioc_; }
  std::uint64_t connections_accepted() const { return accepted_.load(); }

  // Stops accepting (new connections are refused) and closes every open
  // connection. Returns once done. Not callable from the server's threads.
  void close_listener();
  // Listens again on the same port; throws if it cannot be bound.
  void reopen_listener();
  // Closes the listener and every connection, then stops and joins the
  // threads; I/O objects bound to context() may be destroyed after this.
  // Idempotent. Not callable from the server's threads.
  void stop();

 private:
  struct Connection;
  using Acceptor = boost::asio::ip::tcp::acceptor;

  std::shared_ptr<Acceptor> open_acceptor(std::uint16_t port);
  boost::asio::awaitable<void> accept_loop(std::shared_ptr<Acceptor> acceptor);
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  void close_all();

  ServerHandler handler_;
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> accepted_{0};

  std::mutex mutex_;  // guards acceptor_, connections_, next_id_
  std::shared_ptr<Acceptor> acceptor_;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 0;

  std::vector<std::thread> threads_;
};

}  // namespace ponte::testing
