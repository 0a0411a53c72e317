// A fake WhatsApp Cloud API (Graph API) on 127.0.0.1 over real HTTP/1.1:
// POST /{phone_number_id}/messages with a bearer token, answered as Meta
// does (a wamid per accepted message, {"success":true} for read receipts,
// Graph error objects otherwise). It records every call and can fail the
// next calls on demand. Thread-safe like FakeTelegram: every public member
// may be called from the test thread.
#pragma once

#include "tests/support/local_server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::testing {

struct WhatsAppCall {
  std::string phone_number_id;                    // from the path
  std::string authorization;                      // the Authorization header as sent
  nlohmann::json body;                            // null when the body was not JSON
  int status = 0;                                 // what the fake answered
  std::string message_id;                         // the wamid it returned, if any
  std::chrono::steady_clock::time_point arrived;  // when the request was read
  // Shortcuts into body: "text", "interactive", "template" or "read".
  std::string type() const;
  std::string to() const;
  std::string text() const;  // text.body, interactive.body.text or template name
};

class FakeWhatsApp {
 public:
  // Listens on 127.0.0.1:port (0 = any free port).
  FakeWhatsApp(std::string phone_number_id, std::string access_token, std::uint16_t port = 0);
  ~FakeWhatsApp();
  FakeWhatsApp(const FakeWhatsApp&) = delete;
  FakeWhatsApp& operator=(const FakeWhatsApp&) = delete;

  std::uint16_t port() const { return server_->port(); }
  std::string base_url() const;  // the api_base for Ponte's config (no version segment)

  // The next n message calls (read receipts are not counted) get this HTTP
  // status and body, and a Retry-After header when `retry_after` is set
  // (the Graph API's front end sends one with 429 and 503).
  void fail_next(int n, int status, std::string body, std::string retry_after = {});
  // GET /{media_id} answers {"url": <base>/media-download/{id}, ...}; that
  // URL answers these bytes. Media id "404404" is unknown (404).
  static std::string media_content(std::string_view media_id);
  // A Graph error body: {"error":{"message","type","code","fbtrace_id"}}.
  static std::string error_body(int code, std::string_view message);

  std::vector<WhatsAppCall> calls() const;
  // Accepted (200) calls that were messages (not read receipts), in order.
  std::vector<WhatsAppCall> messages_to(const std::string& to) const;
  // Accepted (200) message calls (not read receipts) for which `pred` holds.
  std::size_t count_messages_if(const std::function<bool(const WhatsAppCall&)>& pred) const;
  // wamids marked as read (accepted calls only).
  std::vector<std::string> reads() const;
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;

 private:
  boost::asio::awaitable<ServerResponse> handle(ServerRequest request);
  ServerResponse media(const ServerRequest& request, WhatsAppCall call);

  const std::string phone_number_id_;
  const std::string access_token_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  std::vector<WhatsAppCall> calls_;
  struct Fault {
    int status;
    std::string body;
    std::string retry_after;
  };
  std::deque<Fault> faults_;
  std::uint64_t next_id_ = 1;
  std::unique_ptr<LocalServer> server_;  // last: destroyed first
};

// X-Hub-Signature-256 as Meta sends it with a webhook: "sha256=" and the
// HMAC-SHA256 of `body` keyed with the app secret, in lowercase hex.
std::string webhook_signature(std::string_view body, std::string_view app_secret);

}  // namespace ponte::testing
