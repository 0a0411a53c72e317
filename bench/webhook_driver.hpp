// Sends Telegram webhook updates to Ponte the way Telegram does: over N
// keep-alive connections, one update of a chat at a time (the next only after
// the previous got a 2xx; a failed one is sent again with the same
// update_id), different chats in parallel. Measures each update's webhook
// response latency. Bounded in time and in retries; 127.0.0.1 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ponte::bench {

struct DriverConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/telegram/webhook";
  std::string secret;
  int connections = 64;
  int chats = 5000;
  std::vector<std::string> steps;  // texts each chat sends, in order
  std::int64_t first_update_id = 700000001;
  std::int64_t first_chat_id = 100000001;
  std::chrono::seconds duration{30};         // no new request starts after this
  std::chrono::seconds request_timeout{10};  // per webhook request
  int max_retries = 3;                       // per update, after its first attempt
};

struct DriverResult {
  std::uint64_t requests = 0;            // webhook requests written, retries included
  std::uint64_t acknowledged = 0;        // updates answered 2xx
  std::map<int, std::uint64_t> non_2xx;  // status -> count
  std::uint64_t network_errors = 0;      // connect/write/read failures and timeouts
  std::uint64_t retries = 0;
  std::uint64_t chats_abandoned = 0;             // gave up after max_retries
  std::vector<std::uint64_t> step_acknowledged;  // per step: chats whose update got a 2xx
  std::vector<std::uint32_t> latencies_us;       // one per 2xx update
  double elapsed_s = 0;
  bool hit_duration = false;  // stopped by `duration`, not by running out of work
  bool unreachable = false;   // gave up: the target refused every connection
};

// Runs on the calling thread until every chat finished its steps, the
// duration passed, or the target proved unreachable.
DriverResult run_driver(const DriverConfig& config);

}  // namespace ponte::bench
