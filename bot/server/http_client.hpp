// Outbound HTTP(S) to platform APIs: keep-alive connection pools per host,
// connect and request timeouts, TLS with certificate and host-name
// verification against the system store (or a given CA file), SNI.
// Thread-safe: any coroutine may call post(); a pool hands each connection
// to one request at a time. At most `max_per_host` connections per host; more
// requests wait for a free one.
#pragma once

#include "bot/core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ponte::server {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // prefix without trailing '/', may be empty
  bool tls() const { return scheme == "https"; }
  std::string origin() const;  // scheme://host:port
};
Result<Url> parse_url(std::string_view text);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string retry_after;  // Retry-After header, if any
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{15000};
  std::size_t max_per_host = 32;
  std::string ca_file;  // extra trust anchor (tests); empty = system store only
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options);
  ~HttpClient();

  using Headers = std::vector<std::pair<std::string, std::string>>;

  // POSTs `body` to url.path + target, with extra `headers` (Authorization).
  // Errors: Errc::unavailable for resolve/connect/TLS/transport failures,
  // Errc::timeout when request_timeout passes; it bounds the whole call
  // (pool wait, connect, write, read). An HTTP error status is not an error
  // here: see HttpResponse.
  boost::asio::awaitable<Result<HttpResponse>> post(Url url, std::string target, std::string body,
                                                    std::string content_type, Headers headers = {});
  // GET url.path + target; same errors. Used to fetch files.
  boost::asio::awaitable<Result<HttpResponse>> get(Url url, std::string target,
                                                   Headers headers = {});
  // Drops idle connections (shutdown).
  void close_idle();

  struct Connection;  // a pooled keep-alive connection (http_client.cpp)

 private:
  struct Pool {
    std::vector<std::unique_ptr<Connection>> idle;
    std::size_t active = 0;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };

  boost::asio::awaitable<Result<HttpResponse>> send(
      Url url, boost::beast::http::request<boost::beast::http::string_body> req, Headers headers);
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> acquire(
      const Url& url, std::chrono::steady_clock::time_point deadline, bool& reused);
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> connect(const Url& url);
  void release(const Url& url, std::unique_ptr<Connection> conn, bool reusable);

  boost::asio::any_io_executor executor_;
  HttpClientOptions options_;
  boost::asio::ssl::context tls_;
  std::mutex mutex_;
  std::map<std::string, Pool> pools_;
};

}  // namespace ponte::server
