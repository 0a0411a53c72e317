// WhatsApp Cloud API adapter: verify webhook signatures and the GET
// handshake, parse notification bodies (messages and statuses), render
// channel-neutral messages as Graph API calls, classify API replies.
// Facts: shared/reference/platforms.md (WhatsApp section and "Mapping a
// channel-neutral message"). Pure: the server does the HTTP.
#pragma once

#include "bot/channels/api_call.hpp"
#include "bot/core/error.hpp"
#include "bot/core/message.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::channels::whatsapp {

// Checks X-Hub-Signature-256 ("sha256=<64 hex>"): HMAC-SHA256 of the raw body
// bytes as received, keyed with the app secret. Hex case is ignored; the
// digest comparison is constant time. False for an empty secret or a header
// that is not exactly "sha256=" + 64 hex digits.
bool verify_signature(std::string_view raw_body, std::string_view header,
                      std::string_view app_secret);

// The GET handshake. `query` is the undecoded query string (a leading '?' is
// allowed). Returns hub.challenge, to be answered with 200 text/plain, when
// hub.mode is "subscribe" and hub.verify_token equals `verify_token`
// (constant time); nullopt otherwise (answer 403). An empty configured token,
// bad percent-encoding, or a challenge that is empty, longer than 256 bytes
// or holds control characters also give nullopt.
std::optional<std::string> verify_handshake(std::string_view query, std::string_view verify_token);

// What happened to a message we sent (statuses[] in a webhook).
struct StatusUpdate {
  std::string message_id;  // the wamid classify() returned as external_id
  std::string status;      // sent | delivered | read | played | failed
  std::string recipient;   // recipient_id (phone), else recipient_user_id
  std::int64_t at_ms = 0;  // unix ms; 0 when missing
  int error_code = 0;      // first errors[].code, 0 when none
  std::string error_title;
};

// A media attachment of events[event] (image, audio, video, document,
// sticker). InboundEvent has no field for it; the server fetches the file
// with GET /{version}/{media_id} within 7 days if it keeps media.
struct MediaItem {
  std::size_t event = 0;  // index into Parsed::events
  std::string type;       // image | audio | video | document | sticker
  std::string media_id;
  std::string mime_type;
  std::string filename;  // documents only
  bool voice = false;    // audio recorded as a voice note
};

struct Parsed {
  std::vector<InboundEvent> events;
  std::vector<StatusUpdate> statuses;
  std::vector<MediaItem> media;
};

// Parses one notification body: every entry[], changes[] (field "messages"),
// messages[] and statuses[]. Errc::parse for invalid JSON or a body that is
// not {"object":"whatsapp_business_account","entry":[...]}; anything inside
// that Ponte does not use (unknown keys, system/order/unsupported messages,
// messages without id or sender) is skipped, so an empty Parsed is normal.
// Events: external_id = wamid; user = from_user_id (the BSUID), else
// `from`; chat = `from` (phone as given), else from_user_id; display_name =
// contacts[].profile.name; language_hint = first guess from the phone's country code (may be
// empty). Button and list replies whose id decodes as a choice ref become EventKind::choice, else
// text with the title. Media, location, contacts and reactions become
// EventKind::media with the caption, coordinates, contact names and phones,
// or the emoji as text.
Result<Parsed> parse_webhook(std::string_view body);

// First language guess from an international phone number (digits, with or
// without '+'): "39..." -> "it". Empty when the calling code is not in the
// table.
std::string language_from_phone(std::string_view phone);

// Calls for one neutral message, in sending order (send each after the
// previous one's `sent` status if order matters; WhatsApp does not keep it).
// Method "messages": POST {api_base}/{phone_number_id}/messages.
// - no choices: text message(s), split at 4096 UTF-16 units;
// - 1-3 choices: reply buttons (titles <= 20; when shortened titles
//   collide they are numbered "1. " and the full labels join the body);
// - 4-10 choices: a list opened by `list_button_label` (<= 20; row titles
//   <= 24, the full label in the description when shortened);
// - more than 10, ids too long or duplicated, or an empty list label:
//   numbered text lines after the text, which typed answers match;
// - interactive body over 1024: the text goes first as text message(s) and
//   the interactive body repeats its last sentence (else its first 1000).
// `to`: a phone number ("+" added when all digits) or a BSUID ("US.123",
// sent as `recipient`). Empty vector when there is nothing to send (empty
// text and no choices, or a Telegram-only acknowledgement).
std::vector<ApiCall> render(const OutboundMessage& msg, std::string_view to,
                            std::string_view list_button_label);

// Blue ticks for `message_id` (and the messages before it).
ApiCall mark_read(std::string_view message_id);

// An approved template with positional body parameters ({{1}}, {{2}}...):
// the only kind of message allowed outside the 24-hour window.
ApiCall render_template(std::string_view to, std::string_view name, std::string_view lang,
                        const std::vector<std::string>& params);

// A media id from a webhook (MediaItem::media_id) as Graph describes it:
// GET {api_base}/{media_id} with the bearer token answers {"url",
// "mime_type", ...}; the url expires in 5 minutes and is downloaded with
// the same token. Errc::not_found for 400/404 (unknown, or older than the
// 7 days Meta keeps media), Errc::unavailable for 429/5xx/no reply,
// Errc::parse for anything else.
struct MediaInfo {
  std::string url;
  std::string mime_type;
};
Result<MediaInfo> media_info(int http_status, std::string_view body);

// Classifies a Graph API reply, by error.code first, then HTTP status:
// 2xx with messages[0].id (external_id) or success:true -> sent;
// throughput, pair rate (retry_after 4 s), spam, 131000/131016, 4/80007,
// 5xx, 408/429 and http_status <= 0 (no reply, timeout) -> retry;
// undeliverable, window closed (131047), template and parameter errors ->
// permanent; auth, permission, account and number problems -> permanent
// with a reason starting "configuration" (alert the operator).
Delivery classify(int http_status, std::string_view body);

}  // namespace ponte::channels::whatsapp
