// Outbound HTTP(S) client. One coroutine owns a connection from acquire() to
// release(). A POST is never written twice: an idle keep-alive connection
// is checked (peer hang-up, age) before it is reused, and a request is
// retried on a fresh connection only when writing it failed, never after it
// was fully written (the server may have acted on it: a second copy would be
// a second message to the person). Such a failure goes back to the outbox,
// which retries with backoff: delivery stays at-least-once.
#include "bot/server/http_client.hpp"
#include "bot/server/net.hpp"

#include "bot/core/log.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>

#include <poll.h>

namespace ponte::server {

namespace ssl = net::ssl;

struct HttpClient::Connection {
  std::optional<beast::tcp_stream> tcp;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

namespace {

// Servers close idle keep-alive connections after some seconds (nginx: 75 s
// by default); one idle longer than this is not trusted with a request.
constexpr auto kMaxIdle = std::chrono::seconds(30);

// Whether an idle connection can still carry a request: the peer has not
// hung up (POLLRDHUP sees a FIN even behind unread bytes), and a plain HTTP
// connection has no stray bytes waiting. TLS may hold post-handshake
// records (session tickets), which are normal.
bool usable_idle(HttpClient::Connection& conn, std::chrono::steady_clock::time_point now) {
  if (now - conn.idle_since > kMaxIdle) return false;
  pollfd p{};
  p.fd = conn.lowest().socket().native_handle();
  p.events = POLLIN | POLLRDHUP;
  if (::poll(&p, 1, 0) < 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return false;
  return !(p.revents & POLLIN) || conn.tls.has_value();
}

}  // namespace

std::string Url::origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

Result<Url> parse_url(std::string_view text) {
  Url url;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return fail(Errc::config, "URL without scheme: " + std::string(text));
  url.scheme = std::string(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return fail(Errc::config, "URL scheme must be http or https: " + std::string(text));
  }
  auto rest = text.substr(sep + 3);
  const auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
  url.port = url.tls() ? 443 : 80;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    const auto port = std::string(authority.substr(colon + 1));
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end || p <= 0 || p > 65535) {
      return fail(Errc::config, "bad port in URL: " + std::string(text));
    }
    url.port = static_cast<std::uint16_t>(p);
    authority = authority.substr(0, colon);
  }
  if (authority.size() > 2 && authority.front() == '[')
    authority = authority.substr(1, authority.size() - 2);
  if (authority.empty()) return fail(Errc::config, "URL without host: " + std::string(text));
  url.host = std::string(authority);
  return url;
}

HttpClient::HttpClient(net::any_io_executor executor, HttpClientOptions options)
    : executor_(std::move(executor)), options_(std::move(options)), tls_(ssl::context::tls_client) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(ssl::verify_peer);
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options_.ca_file.empty()) {
    boost::system::error_code ec;
    tls_.load_verify_file(options_.ca_file, ec);
    if (ec)
      log::error("http_client.ca_file", {{"file", options_.ca_file}, {"error", ec.message()}});
  }
}

HttpClient::~HttpClient() = default;

void HttpClient::close_idle() {
  std::lock_guard lock(mutex_);
  for (auto& [key, pool] : pools_) pool.idle.clear();
}

net::awaitable<Result<std::unique_ptr<HttpClient::Connection>>> HttpClient::connect(
    const Url& url) {
  tcp::resolver resolver(executor_);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(url.host, std::to_string(url.port), use_nothrow);
  if (rec) co_return fail(Errc::unavailable, "resolve " + url.host + ": " + rec.message());

  auto conn = std::make_unique<Connection>();
  beast::tcp_stream stream(executor_);
  stream.expires_after(options_.connect_timeout);
  auto [cec, ep] = co_await stream.async_connect(endpoints, use_nothrow);
  if (cec) {
    co_return fail(cec == beast::error::timeout ? Errc::timeout : Errc::unavailable,
                   "connect " + url.origin() + ": " + cec.message());
  }
  // The error_code overload: a peer that resets right after accepting must
  // fail this request, not throw out of the sender's queue coroutine.
  boost::system::error_code nodelay_ec;
  stream.socket().set_option(tcp::no_delay(true), nodelay_ec);
  if (!url.tls()) {
    conn->tcp.emplace(std::move(stream));
    co_return conn;
  }
  conn->tls.emplace(std::move(stream), tls_);
  auto& tls = *conn->tls;
  // SNI names hosts only, never IP literals (RFC 6066 section 3); either
  // way the certificate must name the host we asked for.
  boost::system::error_code not_an_ip;
  net::ip::make_address(url.host, not_an_ip);
  if (not_an_ip && !SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str())) {
    co_return fail(Errc::unavailable, "TLS: cannot set SNI for " + url.host);
  }
  tls.set_verify_callback(ssl::host_name_verification(url.host));
  beast::get_lowest_layer(tls).expires_after(options_.connect_timeout);
  auto [hec] = co_await tls.async_handshake(ssl::stream_base::client, use_nothrow);
  if (hec) {
    co_return fail(hec == beast::error::timeout ? Errc::timeout : Errc::unavailable,
                   "TLS handshake with " + url.origin() + ": " + hec.message());
  }
  co_return conn;
}

net::awaitable<Result<std::unique_ptr<HttpClient::Connection>>> HttpClient::acquire(
    const Url& url, std::chrono::steady_clock::time_point deadline, bool& reused) {
  const auto key = url.origin();
  auto ex = co_await net::this_coro::executor;
  for (;;) {
    std::shared_ptr<net::steady_timer> wait;
    {
      std::lock_guard lock(mutex_);
      auto& pool = pools_[key];
      const auto now = std::chrono::steady_clock::now();
      while (!pool.idle.empty()) {
        auto conn = std::move(pool.idle.back());
        pool.idle.pop_back();
        if (!usable_idle(*conn, now)) continue;  // closed here, costs nothing
        ++pool.active;
        reused = true;
        co_return conn;
      }
      if (pool.active < options_.max_per_host) {
        ++pool.active;
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        co_return fail(Errc::timeout, "no free connection to " + key + " before the deadline");
      }
      wait = std::make_shared<net::steady_timer>(ex, deadline);
      pool.waiters.push_back(wait);
    }
    // Woken (cancelled) by release(), or the request's deadline passes; a
    // waiter left in the queue after a timeout is only a spurious wake-up.
    co_await wait->async_wait(use_nothrow);
  }
  reused = false;
  auto conn = co_await connect(url);
  if (!conn) release(url, nullptr, false);
  co_return conn;
}

void HttpClient::release(const Url& url, std::unique_ptr<Connection> conn, bool reusable) {
  std::shared_ptr<net::steady_timer> wake;
  {
    std::lock_guard lock(mutex_);
    auto& pool = pools_[url.origin()];
    --pool.active;
    if (conn && reusable) {
      conn->idle_since = std::chrono::steady_clock::now();
      pool.idle.push_back(std::move(conn));
    }
    if (!pool.waiters.empty()) {
      wake = std::move(pool.waiters.front());
      pool.waiters.pop_front();
    }
  }
  // A timer is not thread-safe: cancel it on its own executor.
  if (wake) net::post(wake->get_executor(), [wake] { wake->cancel(); });
}

namespace {

// The URL's authority (RFC 9112 section 3.2): an IPv6 literal in brackets,
// the port unless it is the scheme's default.
std::string host_header(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls() ? 443 : 80)) host += ":" + std::to_string(url.port);
  return host;
}

template <class Stream>
net::awaitable<std::pair<boost::system::error_code, bool>> exchange(
    Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer,
    http::request<http::string_body>& req, http::response_parser<http::string_body>& parser,
    std::chrono::steady_clock::time_point deadline) {
  // One deadline for writing and reading: a slow peer cannot stretch a
  // request to twice request_timeout.
  // The bool says whether the request may be sent again: only when it was
  // not completely written (a server cannot act on half a request).
  lowest.expires_at(deadline);
  auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
  if (wec) co_return std::pair{wec, wec != beast::error::timeout};
  lowest.expires_at(deadline);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  co_return std::pair{rec, false};
}

}  // namespace

net::awaitable<Result<HttpResponse>> HttpClient::post(Url url, std::string target, std::string body,
                                                      std::string content_type, Headers headers) {
  http::request<http::string_body> req{http::verb::post, url.path + target, 11};
  req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  co_return co_await send(std::move(url), std::move(req), std::move(headers));
}

net::awaitable<Result<HttpResponse>> HttpClient::get(Url url, std::string target, Headers headers) {
  http::request<http::string_body> req{http::verb::get, url.path + target, 11};
  co_return co_await send(std::move(url), std::move(req), std::move(headers));
}

net::awaitable<Result<HttpResponse>> HttpClient::send(Url url, http::request<http::string_body> req,
                                                      Headers headers) {
  req.set(http::field::host, host_header(url));
  req.set(http::field::user_agent, "ponte/0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  req.prepare_payload();
  const std::string what = std::string(req.method_string()) + " " + url.origin() + url.path;
  // request_timeout bounds the whole call: waiting for a pool slot,
  // connecting, writing and reading, and the one retry below.
  const auto deadline = std::chrono::steady_clock::now() + options_.request_timeout;

  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = false;
    auto acquired = co_await acquire(url, deadline, reused);
    if (!acquired) co_return acquired.error();
    auto conn = std::move(*acquired);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    std::pair<boost::system::error_code, bool> outcome;
    if (conn->tls) {
      outcome = co_await exchange(*conn->tls, conn->lowest(), conn->buffer, req, parser, deadline);
    } else {
      outcome = co_await exchange(*conn->tcp, conn->lowest(), conn->buffer, req, parser, deadline);
    }
    const auto [ec, unsent] = outcome;
    if (ec) {
      release(url, nullptr, false);
      // A reused connection that died under a write that did not complete:
      // the keep-alive race the idle check did not catch. Safe to resend.
      if (reused && unsent) continue;
      co_return fail(ec == beast::error::timeout ? Errc::timeout : Errc::unavailable,
                     what + "/...: " + ec.message());
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto it = res.find(http::field::retry_after); it != res.end()) {
      out.retry_after = std::string(it->value());
    }
    release(url, std::move(conn), res.keep_alive());
    co_return out;
  }
  co_return fail(Errc::unavailable, what + ": connection closed by peer");
}

}  // namespace ponte::server
