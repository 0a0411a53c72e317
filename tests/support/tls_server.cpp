// TlsServer: one thread, so one coroutine per connection needs no strand.
// The SNI name is taken in OpenSSL's servername callback, which runs while
// the ClientHello is processed: a client that later rejects the certificate
// has still said which name it wanted.
#include "tests/support/tls_server.hpp"
#include "bot/core/log.hpp"
#include "bot/server/net.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

namespace ponte::testing {
namespace {

namespace ssl = net::ssl;

// Long enough never to matter in a test; the test ends the connection.
constexpr auto kIdleTimeout = std::chrono::seconds(30);

std::string server_name(SSL* ssl) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

}  // namespace

TlsServer::TlsServer(const CertFiles& files, Mode mode)
    : mode_(mode), tls_(ssl::context::tls_server) {
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3);
  tls_.use_certificate_chain_file(files.cert.string());
  tls_.use_private_key_file(files.key.string(), ssl::context::pem);
  SSL_CTX_set_tlsext_servername_callback(tls_.native_handle(), &TlsServer::on_server_name);
  SSL_CTX_set_tlsext_servername_arg(tls_.native_handle(), this);

  tcp::acceptor acceptor(ioc_);
  const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  port_ = acceptor.local_endpoint().port();
  net::co_spawn(ioc_, accept_loop(std::move(acceptor)), log::IfThrown{"tls_server.accept"});
  thread_ = std::thread([this] { ioc_.run(); });
}

TlsServer::~TlsServer() {
  ioc_.stop();
  thread_.join();
}

std::vector<TlsRequest> TlsServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> TlsServer::sni_names() const {
  std::lock_guard lock(mutex_);
  return sni_names_;
}

int TlsServer::on_server_name(ssl_st* ssl, int* /*alert*/, void* self) {
  auto* server = static_cast<TlsServer*>(self);
  std::lock_guard lock(server->mutex_);
  server->sni_names_.push_back(server_name(ssl));
  return SSL_TLSEXT_ERR_OK;
}

net::awaitable<void> TlsServer::accept_loop(tcp::acceptor acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (ec) continue;
    ++accepted_;
    if (mode_ == Mode::no_handshake) {
      net::co_spawn(ioc_, serve_silently(std::move(socket)),
                    log::IfThrown{"tls_server.serve_silently"});
    } else {
      net::co_spawn(ioc_, serve_tls(std::move(socket)), log::IfThrown{"tls_server.serve_tls"});
    }
  }
}

net::awaitable<void> TlsServer::serve_silently(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  char sink[4096];
  for (;;) {
    stream.expires_after(kIdleTimeout);
    auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_nothrow);
    if (ec) break;  // the client gave up
  }
}

net::awaitable<void> TlsServer::serve_tls(tcp::socket socket) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls_);
  beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_nothrow);
  if (hec) {
    // Rejected by the client (alert), or not TLS at all: close at once.
    ++failed_handshakes_;
    co_return;
  }
  ++handshakes_;
  const std::string sni = server_name(stream.native_handle());

  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
    auto [rec, rn] = co_await http::async_read(stream, buffer, req, use_nothrow);
    if (rec) break;  // eof, truncated, reset: the client is gone
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(TlsRequest{std::string(req.method_string()), std::string(req.target()),
                                     std::string(req[http::field::host]), req.body(), sni});
    }
    if (mode_ == Mode::no_response) continue;  // read on until the client gives up

    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"ok":true})";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
    auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
    if (wec || !res.keep_alive()) break;
  }
}

}  // namespace ponte::testing
