// The neutral message as JSON: how replies are kept in the outbox and the
// transcript, so a stored reply can be rendered again for any channel later
// (after a restart, or by a fixed renderer).
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/message.hpp"

#include <string>
#include <string_view>

namespace ponte::server {

std::string encode_outbound(const OutboundMessage& msg);
Result<OutboundMessage> decode_outbound(std::string_view json_text);

// What the person sent, for the transcript: {"kind":"text","text":"..."}.
// For a button press, `label` is the button's text when known.
std::string encode_inbound(const InboundEvent& ev, std::string_view label);
// The transcript row of an inbound event as an OutboundMessage-shaped value
// (text only), so every row renders the same way in the web chat.
Result<OutboundMessage> decode_inbound_as_message(std::string_view json_text);

}  // namespace ponte::server
