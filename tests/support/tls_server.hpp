// A small HTTPS/1.1 server on 127.0.0.1 for testing TLS clients: it serves a
// given certificate, answers every request with {"ok":true} on keep-alive
// connections, and records what it saw — each request, the SNI name of every
// ClientHello (read in the handshake, so also for handshakes that fail), and
// how many TCP connections and handshakes there were. Other modes play a
// server that never answers. One io_context thread of its own.
#pragma once

#include "tests/support/test_pki.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

struct ssl_st;

namespace ponte::testing {

struct TlsRequest {
  std::string method;
  std::string target;
  std::string host;  // the Host header
  std::string body;
  std::string sni;  // server name the client sent on this connection; "" if none
};

class TlsServer {
 public:
  enum class Mode {
    answer,        // TLS handshake, then 200 {"ok":true} to every request
    no_response,   // TLS handshake, reads and records requests, never answers
    no_handshake,  // accepts TCP and reads, never speaks TLS
  };

  // Binds 127.0.0.1 on a free port and starts serving `files` (a PEM leaf
  // certificate and key). Throws boost::system::system_error if the port
  // cannot be bound, or if the certificate or key cannot be loaded.
  explicit TlsServer(const CertFiles& files, Mode mode = Mode::answer);
  // Stops and joins the thread, then drops every connection.
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::uint16_t port() const { return port_; }
  // Counters and records may be read from any thread at any time.
  std::uint64_t connections_accepted() const { return accepted_.load(); }
  std::uint64_t handshakes_completed() const { return handshakes_.load(); }
  std::uint64_t handshakes_failed() const { return failed_handshakes_.load(); }
  std::vector<TlsRequest> requests() const;
  // One entry per ClientHello, in order: the SNI host name, "" if none.
  std::vector<std::string> sni_names() const;

 private:
  static int on_server_name(ssl_st* ssl, int* alert, void* self);
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor acceptor);
  boost::asio::awaitable<void> serve_tls(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve_silently(boost::asio::ip::tcp::socket socket);

  const Mode mode_;
  boost::asio::ssl::context tls_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> handshakes_{0};
  std::atomic<std::uint64_t> failed_handshakes_{0};

  mutable std::mutex mutex_;  // guards requests_ and sni_names_
  std::vector<TlsRequest> requests_;
  std::vector<std::string> sni_names_;

  // Declared last: destroying the context destroys the coroutines, which
  // own the acceptor and the connections, while the members above live.
  boost::asio::io_context ioc_{1};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace ponte::testing
