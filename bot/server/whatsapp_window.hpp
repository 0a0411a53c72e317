// WhatsApp's 24-hour customer service window, decided when a message is
// queued, so no caller (bot reply, operator reply, follow-up, reminder) can
// send free-form text that Meta would refuse with 131047 a day later.
// A person's message opens the window for 24 h; Ponte closes it
// `window_margin_s` early (clock skew, webhook delay). Outside it only an
// approved template may go: the one configured for the person's language,
// carrying the text as its {{1}} parameter. Pure.
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/message.hpp"
#include "bot/server/config.hpp"

#include <cstdint>
#include <optional>

namespace ponte::server {

inline constexpr std::int64_t kWhatsAppWindowMs = 24LL * 60 * 60 * 1000;

// True while free-form messages may be sent.
bool whatsapp_window_open(const WhatsAppConfig& config, std::optional<std::int64_t> last_inbound_at,
                          std::int64_t now_ms);

// What to queue for `msg`: the message itself inside the window (and for
// read receipts, which are not messages); outside it, a template message
// (template_name set, `text` kept for the transcript, choices folded into
// the text as numbered lines, since typed answers work) for msg.lang or its
// base language ("ar-EG" -> "ar"). Errc::window_closed, with a reason an
// operator can act on, when no template is configured for that language.
Result<OutboundMessage> fit_whatsapp_window(const WhatsAppConfig& config,
                                            const OutboundMessage& msg,
                                            std::optional<std::int64_t> last_inbound_at,
                                            std::int64_t now_ms);

}  // namespace ponte::server
