// The webhook driver: one coroutine per connection on a single-threaded
// io_context, so the shared run state needs no lock. A worker takes the next
// chat that has not started and carries it through every step, which keeps
// each chat strictly sequential while `connections` chats run in parallel.
#include "bench/webhook_driver.hpp"
#include "bot/server/net.hpp"

#include <cstdio>
#include <exception>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "bench/dialogue.hpp"

namespace ponte::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxConsecutiveConnectFailures = 50;
constexpr auto kConnectBackoff = std::chrono::milliseconds(100);
constexpr auto kRetryBackoffStep = std::chrono::milliseconds(100);

struct Chat {
  std::int64_t index = 0;
  std::size_t step = 0;
  int attempts = 0;  // failed attempts of the current step
  std::string body;  // the current step's update; kept for retries (same update_id)
};

struct Run {
  const DriverConfig& config;
  tcp::endpoint target;
  std::int64_t next_chat = 0;
  std::int64_t next_update_id = 0;
  Clock::time_point deadline;
  int consecutive_connect_failures = 0;
  bool stop = false;
  DriverResult result;
};

struct Attempt {
  int status = 0;  // 0 = network error or timeout
  std::uint32_t latency_us = 0;
  bool keep_alive = false;
};

void prepare_step(Run& run, Chat& chat) {
  const std::int64_t chat_id = run.config.first_chat_id + chat.index;
  chat.body = update_json(
      TextUpdate{run.next_update_id++, chat_id, static_cast<std::int64_t>(chat.step) + 1,
                 run.config.steps[chat.step], language_for(chat.index), name_for(chat.index)});
}

net::awaitable<void> pause(std::chrono::milliseconds how_long) {
  auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor, how_long);
  auto [ec] = co_await timer.async_wait(use_nothrow);
  (void)ec;  // only cancelled when the driver is torn down
}

// Returns whether the stream is connected; gives up the whole run after
// too many consecutive failures (nobody listening).
net::awaitable<bool> connect(beast::tcp_stream& stream, Run& run) {
  stream.expires_after(run.config.request_timeout);
  auto [ec] = co_await stream.async_connect(run.target, use_nothrow);
  if (!ec) {
    run.consecutive_connect_failures = 0;
    co_return true;
  }
  ++run.result.network_errors;
  if (++run.consecutive_connect_failures >= kMaxConsecutiveConnectFailures) {
    run.result.unreachable = true;
    run.stop = true;
  }
  stream.close();
  co_await pause(kConnectBackoff);
  co_return false;
}

net::awaitable<Attempt> post_update(beast::tcp_stream& stream, beast::flat_buffer& buffer, Run& run,
                                    const Chat& chat) {
  http::request<http::string_body> req{http::verb::post, run.config.path, 11};
  req.set(http::field::host, run.config.host + ":" + std::to_string(run.config.port));
  req.set(http::field::content_type, "application/json");
  req.set("X-Telegram-Bot-Api-Secret-Token", run.config.secret);
  req.keep_alive(true);
  req.body() = chat.body;
  req.prepare_payload();

  Attempt attempt;
  ++run.result.requests;
  const auto started = Clock::now();
  stream.expires_after(run.config.request_timeout);
  auto [write_ec, written] = co_await http::async_write(stream, req, use_nothrow);
  if (write_ec) co_return attempt;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  if (read_ec) co_return attempt;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  attempt.status = static_cast<int>(parser.get().result_int());
  attempt.keep_alive = parser.get().keep_alive();
  attempt.latency_us = static_cast<std::uint32_t>(elapsed.count());
  co_return attempt;
}

// Books one attempt's outcome; returns false when the chat is finished or abandoned.
bool record(Run& run, Chat& chat, const Attempt& attempt) {
  auto& r = run.result;
  if (attempt.status >= 200 && attempt.status < 300) {
    ++r.acknowledged;
    ++r.step_acknowledged[chat.step];
    r.latencies_us.push_back(attempt.latency_us);
    chat.attempts = 0;
    chat.body.clear();
    return ++chat.step < run.config.steps.size();
  }
  if (attempt.status == 0) {
    ++r.network_errors;
  } else {
    ++r.non_2xx[attempt.status];
  }
  if (++chat.attempts > run.config.max_retries) {
    ++r.chats_abandoned;
    return false;
  }
  ++r.retries;
  return true;
}

net::awaitable<void> worker(Run& run) {
  auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  beast::flat_buffer buffer;
  bool connected = false;
  std::optional<Chat> chat;
  while (!run.stop) {
    if (!chat) {
      if (run.next_chat == run.config.chats) break;
      chat = Chat{run.next_chat++};
    }
    if (Clock::now() >= run.deadline) {
      run.result.hit_duration = true;
      break;
    }
    if (!connected) {
      connected = co_await connect(stream, run);
      continue;
    }
    if (chat->body.empty()) prepare_step(run, *chat);
    Attempt attempt = co_await post_update(stream, buffer, run, *chat);
    if (attempt.status == 0 || !attempt.keep_alive) {
      stream.close();
      buffer.clear();
      connected = false;
    }
    if (!record(run, *chat, attempt)) {
      chat.reset();
    } else if (chat->attempts > 1) {
      co_await pause(kRetryBackoffStep *
                     (chat->attempts - 1));  // like Telegram: first retry at once
    }
  }
  stream.close();
}

}  // namespace

DriverResult run_driver(const DriverConfig& config) {
  net::io_context ioc(1);
  Run run{config, tcp::endpoint(net::ip::make_address(config.host), config.port)};
  run.next_update_id = config.first_update_id;
  run.result.step_acknowledged.assign(config.steps.size(), 0);
  run.result.latencies_us.reserve(static_cast<std::size_t>(config.chats) * config.steps.size());
  const auto started = Clock::now();
  run.deadline = started + config.duration;
  for (int i = 0; i < config.connections; ++i) {
    net::co_spawn(ioc, worker(run), [&run](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::fprintf(stderr, "event=loadgen.worker_failed what=\"%s\"\n", ex.what());
        run.stop = true;
      }
    });
  }
  ioc.run();
  run.result.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
  return std::move(run.result);
}

}  // namespace ponte::bench
