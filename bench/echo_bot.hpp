// The load generator's stand-in for Ponte in --self-test mode: a trivial
// Telegram webhook that checks the secret header, answers 200 at once and
// then sends the step's number of replies to the fake Bot API with
// sendMessage, over a small pool of keep-alive connections. It exists so the
// load generator and the fake can be measured without the real binary.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "tests/support/local_server.hpp"

namespace ponte::bench {

class EchoBot {
 public:
  struct Options {
    std::string secret;
    std::uint16_t api_port = 0;  // the fake Telegram's port on 127.0.0.1
    std::string token;
    std::map<std::string, int> replies_per_text;  // dialogue text -> replies sent
  };

  // Listens on a free port at once, served by one thread.
  explicit EchoBot(Options options);
  ~EchoBot();
  EchoBot(const EchoBot&) = delete;
  EchoBot& operator=(const EchoBot&) = delete;

  std::uint16_t port() const { return server_->port(); }

 private:
  boost::asio::awaitable<testing::ServerResponse> handle(testing::ServerRequest request);
  boost::asio::awaitable<void> send_replies(std::int64_t chat_id, std::string text, int count);
  boost::asio::awaitable<bool> send_message(std::int64_t chat_id, const std::string& text);

  Options options_;
  // Idle connections to the fake API. Touched only by the server's single
  // thread, so no lock.
  std::vector<std::unique_ptr<boost::beast::tcp_stream>> idle_;
  std::unique_ptr<testing::LocalServer> server_;
};

}  // namespace ponte::bench
