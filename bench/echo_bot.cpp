// EchoBot: webhook in, 200 out, replies to the fake Bot API afterwards,
// like Ponte's "commit, answer, then send from the outbox" but with nothing
// stored.
#include "bench/echo_bot.hpp"
#include "bot/core/log.hpp"
#include "bot/server/net.hpp"

#include <cstdio>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

namespace ponte::bench {
namespace {

constexpr int kSendAttempts = 3;

testing::ServerResponse plain(http::status status, unsigned version, std::string body) {
  testing::ServerResponse res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

}  // namespace

EchoBot::EchoBot(Options options) : options_(std::move(options)) {
  server_ = std::make_unique<testing::LocalServer>(
      [this](testing::ServerRequest request) { return handle(std::move(request)); }, 0, 1);
}

EchoBot::~EchoBot() {
  // Stop the thread first: the pooled streams belong to the server's io_context.
  server_->stop();
  idle_.clear();
  server_.reset();
}

net::awaitable<testing::ServerResponse> EchoBot::handle(testing::ServerRequest request) {
  if (request.method() != http::verb::post || request.target() != "/telegram/webhook") {
    co_return plain(http::status::not_found, request.version(), "{}");
  }
  if (request["X-Telegram-Bot-Api-Secret-Token"] != options_.secret) {
    co_return plain(http::status::unauthorized, request.version(), "{}");
  }
  auto update = nlohmann::json::parse(request.body(), nullptr, false);
  const auto* message = update.is_object() ? &update["message"] : nullptr;
  if (message == nullptr || !message->is_object() || !(*message)["chat"]["id"].is_number() ||
      !(*message)["text"].is_string()) {
    co_return plain(http::status::bad_request, request.version(), "{}");
  }
  const auto chat_id = (*message)["chat"]["id"].get<std::int64_t>();
  auto text = (*message)["text"].get<std::string>();
  auto it = options_.replies_per_text.find(text);
  const int count = it == options_.replies_per_text.end() ? 1 : it->second;
  net::co_spawn(server_->context(), send_replies(chat_id, std::move(text), count),
                log::IfThrown{"echo_bot.send"});
  co_return plain(http::status::ok, request.version(), "{}");
}

net::awaitable<void> EchoBot::send_replies(std::int64_t chat_id, std::string text, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string reply =
        "echo " + std::to_string(i + 1) + "/" + std::to_string(count) + ": " + text;
    for (int attempt = 0; attempt < kSendAttempts; ++attempt) {
      const bool sent = co_await send_message(chat_id, reply);
      if (sent) break;
    }
  }
}

net::awaitable<bool> EchoBot::send_message(std::int64_t chat_id, const std::string& text) {
  std::unique_ptr<beast::tcp_stream> stream;
  if (idle_.empty()) {
    auto executor = co_await net::this_coro::executor;
    stream = std::make_unique<beast::tcp_stream>(executor);
    stream->expires_after(std::chrono::seconds(5));
    tcp::endpoint api(net::ip::make_address_v4("127.0.0.1"), options_.api_port);
    auto [ec] = co_await stream->async_connect(api, use_nothrow);
    if (ec) co_return false;
  } else {
    stream = std::move(idle_.back());
    idle_.pop_back();
  }
  http::request<http::string_body> req{http::verb::post, "/bot" + options_.token + "/sendMessage",
                                       11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(options_.api_port));
  req.set(http::field::content_type, "application/json");
  req.body() = nlohmann::json{{"chat_id", chat_id}, {"text", text}}.dump();
  req.prepare_payload();
  stream->expires_after(std::chrono::seconds(10));
  auto [write_ec, written] = co_await http::async_write(*stream, req, use_nothrow);
  if (write_ec) co_return false;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  auto [read_ec, read] = co_await http::async_read(*stream, buffer, res, use_nothrow);
  if (read_ec) co_return false;
  if (res.keep_alive()) {
    stream->expires_never();
    idle_.push_back(std::move(stream));
  }
  co_return res.result() == http::status::ok;
}

}  // namespace ponte::bench
