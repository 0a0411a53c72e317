// ponte-bare-server: the ceiling of this machine for the webhook benchmark.
// The least a webhook receiver must do, done the same way Ponte does it:
// Boost.Beast HTTP/1.1 with keep-alive, one coroutine per connection on its
// own strand, as many threads as Ponte uses, the same body and header limits,
// the same authentication (Telegram's secret header, WhatsApp's HMAC over the
// raw body, with Ponte's own functions), and a full nlohmann::json parse of
// the body with the fields a receiver needs read out. Then 200 and an empty
// body. It stores nothing and sends no replies: everything Ponte does on top
// (commit, dialogue, outbox) is what the ratio in bench/run.sh measures.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "bot/channels/telegram/telegram.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"
#include "bot/server/config.hpp"
#include "bot/server/net.hpp"

namespace ponte::bench {
namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int threads = 2;
  std::string secret = "bench-secret";
  std::string app_secret = "bench-app-secret";
};

// Reads what a receiver needs from an update; false when it is not one.
bool read_telegram(const std::string& body) {
  auto update = nlohmann::json::parse(body, nullptr, false);
  if (!update.is_object() || !update.contains("update_id")) return false;
  const auto message = update.find("message");
  if (message == update.end() || !message->is_object()) return true;  // other kinds: ignored
  const auto chat = message->find("chat");
  const auto text = message->find("text");
  return chat != message->end() && chat->is_object() && (*chat)["id"].is_number_integer() &&
         (text == message->end() || text->is_string());
}

bool read_whatsapp(const std::string& body) {
  auto note = nlohmann::json::parse(body, nullptr, false);
  if (!note.is_object() || !note["entry"].is_array()) return false;
  for (auto& entry : note["entry"]) {
    if (!entry.is_object() || !entry["changes"].is_array()) return false;
    for (auto& change : entry["changes"]) {
      auto& messages = change["value"]["messages"];
      if (messages.is_null()) continue;
      if (!messages.is_array()) return false;
      for (auto& m : messages) {
        if (!m["from"].is_string() || !m["id"].is_string()) return false;
      }
    }
  }
  return true;
}

http::status handle(const Options& options, const http::request<http::string_body>& req) {
  if (req.target() == "/healthz") return http::status::ok;
  if (req.method() != http::verb::post) return http::status::method_not_allowed;
  if (req.target() == "/telegram/webhook") {
    if (!channels::telegram::verify_secret(req["X-Telegram-Bot-Api-Secret-Token"],
                                           options.secret)) {
      return http::status::unauthorized;
    }
    return read_telegram(req.body()) ? http::status::ok : http::status::bad_request;
  }
  if (req.target() == "/whatsapp/webhook") {
    if (!channels::whatsapp::verify_signature(req.body(), req["X-Hub-Signature-256"],
                                              options.app_secret)) {
      return http::status::unauthorized;
    }
    return read_whatsapp(req.body()) ? http::status::ok : http::status::bad_request;
  }
  return http::status::not_found;
}

net::awaitable<void> serve(const Options& options, tcp::socket socket) {
  const server::HttpConfig limits;  // Ponte's defaults
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(limits.body_limit);
    stream.expires_after(std::chrono::milliseconds(limits.idle_timeout_ms));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (ec) break;
    const auto& req = parser.get();
    http::response<http::string_body> res{handle(options, req), req.version()};
    res.set(http::field::server, "bare");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    stream.expires_after(std::chrono::milliseconds(limits.write_timeout_ms));
    auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> accept_loop(const Options& options, tcp::acceptor& acceptor,
                                 net::io_context& ioc) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_nothrow);
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;
    }
    auto ex = socket.get_executor();
    net::co_spawn(ex, serve(options, std::move(socket)), net::detached);
  }
}

int run(const Options& options) {
  net::io_context ioc(options.threads);
  tcp::acceptor acceptor(net::make_strand(ioc));
  const tcp::endpoint endpoint{net::ip::make_address(options.host), options.port};
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
  net::co_spawn(acceptor.get_executor(), accept_loop(options, acceptor, ioc), net::detached);
  std::printf("ponte-bare-server listening on %s:%u, %d threads\n", options.host.c_str(),
              acceptor.local_endpoint().port(), options.threads);
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (int i = 1; i < options.threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}

}  // namespace
}  // namespace ponte::bench

int main(int argc, char** argv) {
  ponte::bench::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--listen") {
      const auto colon = value.rfind(':');
      options.host = value.substr(0, colon);
      options.port = static_cast<std::uint16_t>(std::atoi(value.c_str() + colon + 1));
    } else if (name == "--threads") {
      options.threads = std::max(1, std::atoi(value.c_str()));
    } else if (name == "--secret") {
      options.secret = value;
    } else if (name == "--app-secret") {
      options.app_secret = value;
    } else {
      std::fprintf(stderr,
                   "usage: ponte-bare-server --listen 127.0.0.1:PORT [--threads N] "
                   "[--secret S] [--app-secret A]\n");
      return 2;
    }
  }
  if (argc % 2 == 0 || options.port == 0) {
    std::fprintf(stderr, "ponte-bare-server: --listen 127.0.0.1:PORT is required\n");
    return 2;
  }
  try {
    return ponte::bench::run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ponte-bare-server: %s\n", e.what());
    return 1;
  }
}
