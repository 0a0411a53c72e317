// Synchronous test client built from Beast coroutines on a private
// io_context: each call spawns one coroutine and runs the context until it
// is done. Deadlines come from tcp_stream expiry (requests) or from
// run_for + cancel (SSE reads, which must leave the stream usable).
#include "tests/support/http_client.hpp"
#include "bot/server/net.hpp"

#include <array>
#include <cctype>
#include <deque>
#include <exception>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace ponte::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxResponseBody = 64 * 1024 * 1024;

std::string describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timeout";
  return ec.message();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class Fields>
Headers headers_of(const Fields& fields) {
  Headers out;
  for (const auto& field : fields) {
    std::string name = lower(field.name_string());
    auto [it, inserted] = out.emplace(name, std::string(field.value()));
    if (!inserted) (it->second += ", ") += field.value();
  }
  return out;
}

// Runs one coroutine on `ioc` until it finishes; rethrows a bug's exception.
template <class T>
T run_to_end(net::io_context& ioc, net::awaitable<T> task) {
  T result{};
  std::exception_ptr failure;
  net::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    result = std::move(value);
  });
  ioc.restart();
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  return result;
}

// Connects `stream` (closed) to host:port by the deadline; "" on success.
net::awaitable<std::string> connect(beast::tcp_stream& stream, const std::string& host,
                                    std::uint16_t port, Clock::time_point deadline) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), use_nothrow);
  if (resolve_ec) co_return describe(resolve_ec);
  stream.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, use_nothrow);
  if (connect_ec) co_return describe(connect_ec);
  co_return std::string();
}

struct Exchange {
  std::string method;
  std::string target;
  std::string body;
  Headers headers;
  Clock::time_point deadline;
};

http::request<http::string_body> build_request(const Exchange& x, const std::string& host,
                                               std::uint16_t port) {
  http::request<http::string_body> req;
  req.method_string(x.method);
  req.target(x.target);
  req.version(11);
  req.set(http::field::host, host + ":" + std::to_string(port));
  req.set(http::field::user_agent, "ponte-tests");
  if (!x.body.empty()) req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : x.headers) req.set(name, value);
  req.body() = x.body;
  req.keep_alive(true);
  req.prepare_payload();
  return req;
}

}  // namespace

// ---------------------------------------------------------------- Connection

struct Connection::Impl {
  Impl(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}

  net::awaitable<HttpResponse> exchange(Exchange x);
  void shut() {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }

  std::string host;
  std::uint16_t port;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;
  std::size_t connects = 0;
};

net::awaitable<HttpResponse> Connection::Impl::exchange(Exchange x) {
  HttpResponse out;
  if (!open) {
    std::string failed = co_await connect(stream, host, port, x.deadline);
    if (!failed.empty()) {
      shut();
      out.error = failed;
      co_return out;
    }
    open = true;
    ++connects;
  }
  auto req = build_request(x, host, port);
  stream.expires_at(x.deadline);
  auto [write_ec, written] = co_await http::async_write(stream, req, use_nothrow);
  if (write_ec) {
    shut();
    out.error = describe(write_ec);
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  if (req.method() == http::verb::head) parser.skip(true);
  stream.expires_at(x.deadline);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  if (read_ec) {
    shut();
    out.error = describe(read_ec);
    co_return out;
  }
  auto res = parser.release();
  out.status = static_cast<int>(res.result_int());
  out.headers = headers_of(res);
  out.body = std::move(res.body());
  if (!res.keep_alive()) shut();
  stream.expires_never();
  co_return out;
}

Connection::Connection(std::string host, std::uint16_t port)
    : impl_(std::make_unique<Impl>(std::move(host), port)) {}

Connection::~Connection() { impl_->shut(); }

HttpResponse Connection::request(const std::string& method, const std::string& target,
                                 const std::string& body, const Headers& headers,
                                 std::chrono::milliseconds timeout) {
  Exchange x{method, target, body, headers, Clock::now() + timeout};
  return run_to_end(impl_->ioc, impl_->exchange(std::move(x)));
}

bool Connection::is_open() const { return impl_->open; }
std::size_t Connection::connects() const { return impl_->connects; }
void Connection::close() { impl_->shut(); }

HttpResponse request(const std::string& host, std::uint16_t port, const std::string& method,
                     const std::string& target, const std::string& body, const Headers& headers,
                     std::chrono::milliseconds timeout) {
  Connection connection(host, port);
  return connection.request(method, target, body, headers, timeout);
}

// ----------------------------------------------------------------- SseReader

struct SseReader::Impl {
  net::awaitable<bool> open(std::string host, std::uint16_t port, Exchange x);
  net::awaitable<bool> read_events(std::size_t max_events);
  void feed(std::string_view bytes);
  void take_line(std::string_view line);

  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  std::array<char, 16 * 1024> chunk{};

  int status = 0;
  Headers headers;
  std::string error;
  bool ended = false;

  std::string pending;  // received bytes not yet split into lines
  SseEvent current;
  bool current_has_data = false;
  std::deque<SseEvent> ready;
};

net::awaitable<bool> SseReader::Impl::open(std::string host, std::uint16_t port, Exchange x) {
  std::string failed = co_await connect(stream, host, port, x.deadline);
  if (!failed.empty()) {
    error = failed;
    co_return false;
  }
  auto req = build_request(x, host, port);
  stream.expires_at(x.deadline);
  auto [write_ec, written] = co_await http::async_write(stream, req, use_nothrow);
  if (write_ec) {
    error = describe(write_ec);
    co_return false;
  }
  parser.body_limit(boost::none);
  stream.expires_at(x.deadline);
  auto [read_ec, read] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
  if (read_ec) {
    error = describe(read_ec);
    co_return false;
  }
  status = static_cast<int>(parser.get().result_int());
  headers = headers_of(parser.get());
  stream.expires_never();
  co_return true;
}

net::awaitable<bool> SseReader::Impl::read_events(std::size_t max_events) {
  while (ready.size() < max_events && !ended) {
    if (parser.is_done()) {
      ended = true;
      break;
    }
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_nothrow);
    feed(std::string_view(chunk.data(), chunk.size() - parser.get().body().size));
    if (ec == http::error::need_buffer) continue;
    if (ec == net::error::operation_aborted) break;  // read()'s timeout
    if (ec) {
      ended = true;
      if (ec != http::error::end_of_stream && ec != net::error::eof) error = describe(ec);
    }
  }
  co_return true;
}

void SseReader::Impl::feed(std::string_view bytes) {
  pending.append(bytes);
  std::size_t start = 0;
  for (auto nl = pending.find('\n', start); nl != std::string::npos;
       nl = pending.find('\n', start)) {
    std::string_view line(pending.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    take_line(line);
    start = nl + 1;
  }
  pending.erase(0, start);
}

// One line of the event stream (WHATWG HTML "event stream interpretation").
void SseReader::Impl::take_line(std::string_view line) {
  if (line.empty()) {
    if (current_has_data) ready.push_back(std::move(current));
    current = SseEvent{};
    current_has_data = false;
    return;
  }
  if (line.front() == ':') return;  // comment, e.g. a keep-alive ping
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (current_has_data) current.data += '\n';
    current.data += value;
    current_has_data = true;
  } else if (field == "event") {
    current.event = std::string(value);
  } else if (field == "id") {
    current.id = std::string(value);
  } else if (field == "retry" && !value.empty() &&
             value.find_first_not_of("0123456789") == std::string_view::npos && value.size() < 10) {
    current.retry = std::stoi(std::string(value));
  }
}

SseReader::SseReader(const std::string& host, std::uint16_t port, const std::string& target,
                     const Headers& headers, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  Headers all{{"accept", "text/event-stream"}, {"cache-control", "no-cache"}};
  for (const auto& [name, value] : headers) all[name] = value;
  Exchange x{"GET", target, {}, std::move(all), Clock::now() + timeout};
  if (!run_to_end(impl_->ioc, impl_->open(host, port, std::move(x)))) impl_->ended = true;
}

SseReader::~SseReader() {
  boost::system::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->stream.close();
}

int SseReader::status() const { return impl_->status; }
const Headers& SseReader::headers() const { return impl_->headers; }
const std::string& SseReader::error() const { return impl_->error; }
bool SseReader::ended() const { return impl_->ended; }

std::vector<SseEvent> SseReader::read(std::size_t max_events, std::chrono::milliseconds timeout) {
  auto& ioc = impl_->ioc;
  bool done = false;
  net::co_spawn(ioc, impl_->read_events(max_events), [&](std::exception_ptr e, bool) {
    done = true;
    if (e) std::rethrow_exception(e);
  });
  ioc.restart();
  ioc.run_for(timeout);
  if (!done) {
    // Timeout: abort the pending read but keep the stream for the next call.
    boost::system::error_code ignored;
    impl_->stream.socket().cancel(ignored);
    ioc.run();
  }
  std::vector<SseEvent> out;
  while (!impl_->ready.empty() && out.size() < max_events) {
    out.push_back(std::move(impl_->ready.front()));
    impl_->ready.pop_front();
  }
  return out;
}

}  // namespace ponte::testing
