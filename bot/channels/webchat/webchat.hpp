// Web chat adapter: the JSON the browser page posts and receives. The page
// is served by ponte (bot/web); it posts typed text or button presses and
// reads replies from the transcript over Server-Sent Events.
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ponte::channels::webchat {

// A client id is 16..64 characters of [A-Za-z0-9_-], made by the browser
// (crypto.randomUUID) and kept in localStorage.
bool valid_client_id(std::string_view id);

// Body of POST /webchat/messages:
//   {"client": "<client id>", "id": "<message id, 1..64 of [A-Za-z0-9_-]>",
//    "text": "..."}                 typed text (1..4096 bytes of UTF-8)
//   {"client", "id", "choice": "c:<token>:<choice id>"}   a button press
//   {"client", "id", "start": true, "lang": "ar"}          the page opened
// external_id = "<client>:<id>", user = chat = client.
// Errc::parse for bad JSON, Errc::invalid for a bad field (message says which).
Result<InboundEvent> parse_post(std::string_view body, TimePoint now);

// One transcript row as the page shows it:
//   {"id": 12, "dir": "in"|"out", "text": "...", "choices": [{"id","label","ref"}],
//    "lang": "ar", "rtl": true, "at": 1767225600000}
// `ref` is the encoded choice ref the page posts back. `msg` is the
// row's message as stored in the transcript, decoded by the server
// (server/message_codec); `at_ms` is the row's time in unix milliseconds.
std::string render_event(std::int64_t id, bool outbound, const OutboundMessage& msg,
                         std::int64_t at_ms);

}  // namespace ponte::channels::webchat
