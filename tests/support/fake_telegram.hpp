// A fake Telegram Bot API on 127.0.0.1 over real HTTP/1.1, for integration
// tests and the load generator. It records every call, answers like
// api.telegram.org, and can misbehave on demand (502 while "down", refused
// connections, queued error replies, slow answers) so tests can check retry
// and exactly-once delivery against a real socket, not a mock.
//
// Threads: the server runs on its own io_context thread(s). Every public
// member is thread-safe and may be called from the test's thread; none may be
// called from inside a predicate passed to wait_until() of another fake.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/local_server.hpp"

namespace ponte::testing {

// One Bot API call as the fake saw it.
struct RecordedCall {
  std::string token;    // from /bot<token>/<method>
  std::string method;   // as sent, e.g. "sendMessage"
  nlohmann::json body;  // parsed body; a JSON string holding the raw body if
                        // it was not JSON; null if empty
  bool body_is_json = false;
  std::optional<std::int64_t> chat_id;            // body.chat_id when it is an integer
  int status = 0;                                 // HTTP status the fake answered
  std::chrono::steady_clock::time_point arrived;  // when the request was read
};

class FakeTelegram {
 public:
  struct Options {
    std::uint16_t port = 0;      // 0 = any free port
    std::string expected_token;  // empty = accept any token; else others get 401
    int threads = 2;             // io_context threads
  };

  // Starts listening at once; throws boost::system::system_error if it cannot bind.
  FakeTelegram();
  explicit FakeTelegram(Options options);
  ~FakeTelegram();
  FakeTelegram(const FakeTelegram&) = delete;
  FakeTelegram& operator=(const FakeTelegram&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT", the api_base for Ponte's config
  // TCP connections accepted so far: shows whether a client reuses keep-alive connections.
  std::uint64_t connections_accepted() const;
  void set_expected_token(std::string token);

  // --- Faults. Each takes effect for requests read after the call returns.
  // While down, every request gets 502 Bad Gateway with an HTML body (a proxy
  // in front of a dead service). Recorded as failed.
  void set_down(bool down);
  // Stops listening and closes every open connection: new connections are
  // refused. Returns after the listener is closed.
  void close_listener();
  // Listens again on the same port. Throws if the port was taken meanwhile.
  void reopen_listener();
  // The next n calls (of `method` only, if given; case-insensitive) get this
  // status and body instead of the normal answer. Adds to faults already queued.
  void fail_next(int n, int status, std::string body, std::string method = {});
  // Every request hangs this long before it is answered (0 = no delay).
  void set_delay(std::chrono::milliseconds delay);
  // The next n calls (of `method` only, if given) are read, then their
  // connection is reset (TCP RST) without an answer. Recorded with status 0:
  // not delivered, as if the API's front end died before passing it on.
  void reset_next(int n, std::string method = {});
  // The next n calls (of `method` only, if given) hang `delay`, then are
  // carried out and answered as usual: recorded as delivered even when the
  // client gave up waiting, as Telegram would still have sent the message.
  void hang_next(int n, std::chrono::milliseconds delay, std::string method = {});

  // Ready-made fault bodies, as Telegram words them.
  static std::string too_many_requests_body(int retry_after_s);
  static std::string blocked_body();  // 403 "Forbidden: bot was blocked by the user"
  // getFile answers file_path "documents/<file_id>.pdf" (400 for file id
  // "unknown"); GET /file/bot<token>/<file_path> answers these bytes,
  // recorded as method "file".
  static std::string file_content(std::string_view file_path);

  // --- Queries. Methods compare case-insensitively. Calls come in arrival order.
  std::vector<RecordedCall> calls() const;  // every call, answered or faulted
  std::vector<RecordedCall> calls(std::string_view method) const;
  std::vector<RecordedCall> delivered() const;  // calls answered 200
  std::vector<RecordedCall> delivered(std::string_view method) const;
  std::vector<RecordedCall> failed() const;             // calls answered anything but 200
  std::size_t count(std::string_view method) const;     // delivered calls of a method
  std::size_t attempts(std::string_view method) const;  // all calls of a method
  // Delivered calls for which pred is true; pred runs under the fake's lock.
  std::size_t count_if(const std::function<bool(const RecordedCall&)>& pred) const;
  // Texts of delivered sendMessage calls to a chat, in arrival order.
  std::vector<std::string> texts_to(std::int64_t chat_id) const;
  // Forgets every call and clears faults, delay and "down"; keeps the listener
  // state and the message_id counter.
  void reset();

  // Evaluates pred whenever a call is recorded (and at least every 20 ms)
  // until it is true or the timeout passes. pred must not hold locks the
  // fake's threads need; calling this fake's queries inside it is fine.
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;

 private:
  struct Fault {
    int status;  // 0 with reset
    std::string body;
    std::string method;
    bool reset = false;
    std::chrono::milliseconds hang{0};  // a hang_next() fault: delays, then answers normally
  };
  struct Answer {
    int status;
    std::string content_type;
    std::string body;
  };

  boost::asio::awaitable<ServerResponse> handle(ServerRequest request);
  Answer answer(const std::string& target, const std::string& body,
                std::chrono::steady_clock::time_point arrived);
  Answer answer_method(const std::string& method, const nlohmann::json& body);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t generation_ = 0;  // bumped on every recorded call
  std::vector<RecordedCall> calls_;
  std::deque<Fault> faults_;
  std::string expected_token_;
  std::string webhook_url_;
  bool down_ = false;
  std::chrono::milliseconds delay_{0};
  std::int64_t next_message_id_ = 1;

  // Last member: destroyed first, so no request runs while the state above dies.
  std::unique_ptr<LocalServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace ponte::testing
