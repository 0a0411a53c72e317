// What an adapter asks the server to send, and what a platform reply meant.
// Adapters are pure: the server does the HTTP.
#pragma once

#include <chrono>
#include <string>

namespace ponte::channels {

struct ApiCall {
  std::string method;  // Telegram: "sendMessage"; WhatsApp: "messages"
  std::string body;    // JSON
};

struct Delivery {
  enum class Kind {
    sent,       // done; external_id may hold the platform's message id
    retry,      // transient: try again after retry_after (0 = use backoff)
    permanent,  // will never work (blocked, bad request): dead-letter it
  };
  Kind kind = Kind::retry;
  std::chrono::seconds retry_after{0};
  std::string external_id;
  std::string reason;           // short, for logs and the operator view
  bool recipient_gone = false;  // blocked/deactivated: mark the contact unreachable
};

}  // namespace ponte::channels
