// A small synchronous HTTP/1.1 client for tests: one-shot requests, a
// keep-alive Connection, and a reader of Server-Sent Events. Each object runs
// its own private io_context on the calling thread, so tests need no threads.
// Network errors never throw: they come back as status 0 plus `error`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ponte::testing {

using Headers = std::map<std::string, std::string>;

struct HttpResponse {
  int status = 0;   // 0 = no response; see error
  Headers headers;  // names lower-cased; repeated fields joined with ", "
  std::string body;
  std::string error;  // why status is 0 ("timeout", "Connection refused", ...)
};

inline constexpr std::chrono::milliseconds kDefaultHttpTimeout{5000};

// One request on a fresh connection. `timeout` bounds connect + write + read.
// A non-empty body gets Content-Type: application/json unless headers say otherwise.
HttpResponse request(const std::string& host, std::uint16_t port, const std::string& method,
                     const std::string& target, const std::string& body = {},
                     const Headers& headers = {},
                     std::chrono::milliseconds timeout = kDefaultHttpTimeout);

// One keep-alive connection used for many requests, in order. Connects on the
// first request and again after the server or an error closed it. A request
// on a connection the server closed while idle fails once (status 0) rather
// than being silently re-sent: POSTs are not idempotent. Not thread-safe.
class Connection {
 public:
  Connection(std::string host, std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const Headers& headers = {},
                       std::chrono::milliseconds timeout = kDefaultHttpTimeout);
  bool is_open() const;
  std::size_t connects() const;  // TCP connections opened so far
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One Server-Sent Event. Fields are as they appeared in the event's block:
// `id` and `event` are empty when the block had none (the browser default
// type is "message"); data lines are joined with '\n'.
struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
  std::optional<int> retry;
};

// Opens GET target with Accept: text/event-stream and reads events as they
// come. Not thread-safe.
class SseReader {
 public:
  // Connects and reads the response head, all within `timeout`.
  SseReader(const std::string& host, std::uint16_t port, const std::string& target,
            const Headers& headers = {}, std::chrono::milliseconds timeout = kDefaultHttpTimeout);
  ~SseReader();
  SseReader(const SseReader&) = delete;
  SseReader& operator=(const SseReader&) = delete;

  int status() const;              // 0 if no response head arrived
  const Headers& headers() const;  // response head, names lower-cased
  const std::string& error() const;

  // Returns once `max_events` events are complete, the stream ended, or
  // `timeout` passed, with the events read (possibly fewer, possibly none).
  // A partly received event stays buffered for the next call.
  std::vector<SseEvent> read(std::size_t max_events, std::chrono::milliseconds timeout);
  bool ended() const;  // the server closed the stream (or an error did)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ponte::testing
