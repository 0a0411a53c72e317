// Channels and addresses: who a message comes from and where replies go.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ponte {

enum class Channel { telegram, whatsapp, webchat };

std::string_view to_string(Channel channel) noexcept;
std::optional<Channel> channel_from_string(std::string_view name) noexcept;

// Push channels get replies through the outbox and a platform API; the web
// chat pulls its replies from the transcript.
constexpr bool is_push(Channel channel) noexcept { return channel != Channel::webchat; }

using ContactId = std::int64_t;

// Where a reply goes on a platform: Telegram chat id, WhatsApp phone number,
// web chat client id. Always a string; Telegram ids fit in int64 but are kept
// textual so no channel's id type leaks into the others.
struct ChatAddress {
  Channel channel;
  std::string chat;
};

}  // namespace ponte
