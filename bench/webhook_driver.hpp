// Sends webhook updates to Ponte the way Telegram and WhatsApp do: over N
// keep-alive connections, one update of a chat at a time (the next only after
// the previous got a 2xx; a failed one is sent again with the same id),
// different chats in parallel. Measures each update's webhook response
// latency. Optionally also plays a flooding sender and holds idle
// connections open. Bounded in time and in retries; 127.0.0.1 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ponte::bench {

enum class ChannelMix { telegram, whatsapp, mix };  // mix: even chats Telegram, odd WhatsApp

struct DriverConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string telegram_path = "/telegram/webhook";
  std::string whatsapp_path = "/whatsapp/webhook";
  std::string secret;      // X-Telegram-Bot-Api-Secret-Token
  std::string app_secret;  // WhatsApp app secret: X-Hub-Signature-256
  std::string phone_number_id = "106540352242922";
  ChannelMix channels = ChannelMix::telegram;
  int connections = 64;
  int chats = 5000;
  std::vector<std::string> steps;  // texts each chat sends, in order
  std::int64_t first_update_id = 700000001;
  std::int64_t first_chat_id = 100000001;
  std::chrono::seconds duration{30};         // no new request starts after this
  std::chrono::seconds request_timeout{10};  // per webhook request
  int max_retries = 3;                       // per update, after its first attempt
  // A flooding sender: one Telegram chat (flood_chat_id) posting this many
  // text updates a second, over 32 connections of its own, while the chats run.
  int flood_per_s = 0;
  std::int64_t flood_chat_id = 0;
  // Connections opened before the chats start that never send anything.
  int idle_connections = 0;
};

struct FloodResult {
  std::uint64_t requests = 0;
  std::uint64_t acknowledged = 0;
  std::map<int, std::uint64_t> non_2xx;
  std::uint64_t network_errors = 0;
  std::vector<std::uint32_t> latencies_us;
};

struct IdleResult {
  std::uint64_t opened = 0;          // connect succeeded
  std::uint64_t connect_failed = 0;  // refused or timed out
  std::uint64_t refused_503 = 0;     // the server answered 503 at once and closed
  std::uint64_t closed = 0;          // the server closed it without a word
  std::uint64_t open_at_end = 0;     // still open when the sending phase ended
};

struct DriverResult {
  std::uint64_t requests = 0;            // webhook requests written, retries included
  std::uint64_t acknowledged = 0;        // updates answered 2xx
  std::map<int, std::uint64_t> non_2xx;  // status -> count
  std::uint64_t network_errors = 0;      // connect/write/read failures and timeouts
  std::uint64_t retries = 0;
  std::uint64_t chats_abandoned = 0;  // gave up after max_retries
  // Per channel (telegram, whatsapp) and step: chats whose update got a 2xx.
  std::vector<std::uint64_t> step_acknowledged[2];
  std::vector<std::uint32_t> latencies_us;  // one per 2xx update
  double elapsed_s = 0;
  bool hit_duration = false;  // stopped by `duration`, not by running out of work
  bool unreachable = false;   // gave up: the target refused every connection
  FloodResult flood;
  IdleResult idle;
};

// Runs on the calling thread until every chat finished its steps, the
// duration passed, or the target proved unreachable.
DriverResult run_driver(const DriverConfig& config);

}  // namespace ponte::bench
