// What an adapter asks the server to send, and what a platform reply meant.
// Adapters are pure: the server does the HTTP.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

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

// A Delivery of `kind` with `reason` (cut by short_reason).
Delivery make(Delivery::Kind kind, std::string reason);
// At most `max` bytes, cut at a UTF-8 lead byte so the reason stays valid
// text: platform descriptions go into logs and the operator view.
std::string short_reason(std::string_view text, std::size_t max = 200);

}  // namespace ponte::channels
