// The webhook driver: one coroutine per connection on a single-threaded
// io_context, so the shared run state needs no lock. A worker takes the next
// chat that has not started and carries it through every step, which keeps
// each chat strictly sequential while `connections` chats run in parallel.
#include "bench/webhook_driver.hpp"
#include "bot/server/net.hpp"
#include "tests/support/fake_whatsapp.hpp"

#include <cstdio>
#include <exception>
#include <memory>
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
  Channel channel = Channel::telegram;
  std::size_t step = 0;
  int attempts = 0;  // failed attempts of the current step
  std::string body;  // the current step's update; kept for retries (same id)
};

struct Run {
  const DriverConfig& config;
  tcp::endpoint target;
  std::int64_t next_chat = 0;
  std::int64_t next_update_id = 0;
  Clock::time_point deadline;
  int consecutive_connect_failures = 0;
  bool stop = false;
  bool sending_done = false;  // the chats are finished: flood and idle stop too
  int workers_left = 0;
  Clock::time_point flood_next{};  // when the flood's next update is due
  std::int64_t flood_message_id = 1;
  DriverResult result;
};

struct Attempt {
  int status = 0;  // 0 = network error or timeout
  std::uint32_t latency_us = 0;
  bool keep_alive = false;
};

Channel channel_of(const DriverConfig& config, std::int64_t index) {
  switch (config.channels) {
    case ChannelMix::telegram: return Channel::telegram;
    case ChannelMix::whatsapp: return Channel::whatsapp;
    case ChannelMix::mix: break;
  }
  return index % 2 == 0 ? Channel::telegram : Channel::whatsapp;
}

std::string body_for(Run& run, Channel channel, std::int64_t chat_id, std::int64_t message_id,
                     std::string_view text, std::int64_t n) {
  const TextUpdate u{run.next_update_id++, chat_id, message_id, text, language_for(n), name_for(n)};
  return channel == Channel::telegram ? update_json(u)
                                      : whatsapp_json(u, run.config.phone_number_id);
}

void prepare_step(Run& run, Chat& chat) {
  chat.body =
      body_for(run, chat.channel, run.config.first_chat_id + chat.index,
               static_cast<std::int64_t>(chat.step) + 1, run.config.steps[chat.step], chat.index);
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
                                    Channel channel, const std::string& body,
                                    std::uint64_t& requests) {
  const auto& c = run.config;
  http::request<http::string_body> req{
      http::verb::post, channel == Channel::telegram ? c.telegram_path : c.whatsapp_path, 11};
  req.set(http::field::host, c.host + ":" + std::to_string(c.port));
  req.set(http::field::content_type, "application/json");
  if (channel == Channel::telegram) {
    req.set("X-Telegram-Bot-Api-Secret-Token", c.secret);
  } else {
    req.set("X-Hub-Signature-256", testing::webhook_signature(body, c.app_secret));
  }
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();

  Attempt attempt;
  ++requests;
  const auto started = Clock::now();
  stream.expires_after(c.request_timeout);
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
    ++r.step_acknowledged[static_cast<int>(chat.channel)][chat.step];
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
      const auto index = run.next_chat++;
      chat = Chat{index, channel_of(run.config, index)};
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
    Attempt attempt =
        co_await post_update(stream, buffer, run, chat->channel, chat->body, run.result.requests);
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

// One Telegram chat posting `flood_per_s` updates a second, as a script
// would: over kFloodConnections connections at once, each taking the next
// slot of the shared schedule as soon as its previous update was answered,
// until the chats finish.
constexpr int kFloodConnections = 32;

net::awaitable<void> flooder(Run& run) {
  auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  beast::flat_buffer buffer;
  net::steady_timer timer(executor);
  auto& f = run.result.flood;
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / run.config.flood_per_s);
  bool connected = false;
  while (!run.stop && !run.sending_done && Clock::now() < run.deadline) {
    if (!connected) {
      stream.expires_after(run.config.request_timeout);
      auto [ec] = co_await stream.async_connect(run.target, use_nothrow);
      if (ec) {
        ++f.network_errors;
        co_await pause(kConnectBackoff);
        continue;
      }
      connected = true;
    }
    const auto slot = std::max(run.flood_next, Clock::now() - interval);
    run.flood_next = slot + interval;
    timer.expires_at(slot);
    co_await timer.async_wait(use_nothrow);
    const auto body = body_for(run, Channel::telegram, run.config.flood_chat_id,
                               run.flood_message_id++, "help help help", 1);
    Attempt a = co_await post_update(stream, buffer, run, Channel::telegram, body, f.requests);
    if (a.status >= 200 && a.status < 300) {
      ++f.acknowledged;
      f.latencies_us.push_back(a.latency_us);
    } else if (a.status == 0) {
      ++f.network_errors;
    } else {
      ++f.non_2xx[a.status];
    }
    if (a.status == 0 || !a.keep_alive) {
      stream.close();
      buffer.clear();
      connected = false;
    }
  }
  stream.close();
}

// A connection that never sends a byte: tells whether the server keeps it,
// refuses it with a 503, or closes it.
net::awaitable<void> idler(Run& run, std::shared_ptr<std::vector<beast::tcp_stream*>> open) {
  auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  auto& r = run.result.idle;
  stream.expires_after(run.config.request_timeout);
  auto [ec] = co_await stream.async_connect(run.target, use_nothrow);
  if (ec) {
    ++r.connect_failed;
    co_return;
  }
  ++r.opened;
  open->push_back(&stream);
  stream.expires_never();
  char first[16] = {};
  auto [rec, n] = co_await stream.async_read_some(net::buffer(first), use_nothrow);
  std::erase(*open, &stream);
  if (run.sending_done && rec == net::error::operation_aborted) {
    ++r.open_at_end;
  } else if (!rec && std::string_view(first, n).starts_with("HTTP/1.1 503")) {
    ++r.refused_503;
  } else {
    ++r.closed;
  }
  stream.close();
}

}  // namespace

DriverResult run_driver(const DriverConfig& config) {
  net::io_context ioc(1);
  Run run{config, tcp::endpoint(net::ip::make_address(config.host), config.port)};
  run.next_update_id = config.first_update_id;
  for (auto& per_step : run.result.step_acknowledged) per_step.assign(config.steps.size(), 0);
  run.result.latencies_us.reserve(static_cast<std::size_t>(config.chats) * config.steps.size());
  const auto on_crash = [&run](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "event=loadgen.worker_failed what=\"%s\"\n", ex.what());
      run.stop = true;
    }
  };
  // Idle connections first, so they are in place before the load starts.
  auto open = std::make_shared<std::vector<beast::tcp_stream*>>();
  for (int i = 0; i < config.idle_connections; ++i) net::co_spawn(ioc, idler(run, open), on_crash);
  if (config.idle_connections > 0) {
    const auto settle = Clock::now() + std::chrono::seconds(10);
    while (run.result.idle.opened + run.result.idle.connect_failed <
               static_cast<std::uint64_t>(config.idle_connections) &&
           Clock::now() < settle) {
      ioc.run_for(std::chrono::milliseconds(10));
    }
    ioc.restart();
  }
  const auto started = Clock::now();
  run.deadline = started + config.duration;
  run.workers_left = config.connections;
  for (int i = 0; i < config.connections; ++i) {
    net::co_spawn(ioc, worker(run), [&run, &open, on_crash, started](std::exception_ptr e) {
      on_crash(e);
      if (--run.workers_left > 0) return;
      // The chats are done: the sending phase ends for everyone.
      run.result.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
      run.sending_done = true;
      for (auto* stream : *open) stream->cancel();
    });
  }
  if (config.flood_per_s > 0) {
    for (int i = 0; i < kFloodConnections; ++i) net::co_spawn(ioc, flooder(run), on_crash);
  }
  ioc.run();
  return std::move(run.result);
}

}  // namespace ponte::bench
