// Telegram Bot API adapter: verify and parse webhook updates, render
// channel-neutral messages as Bot API calls, classify API replies.
// Facts: shared/reference/platforms.md (Telegram section).
#pragma once

#include "bot/channels/api_call.hpp"
#include "bot/core/error.hpp"
#include "bot/core/message.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::channels::telegram {

// Constant-time comparison of the X-Telegram-Bot-Api-Secret-Token header with
// the configured secret. An empty configured secret accepts nothing.
bool verify_secret(std::string_view header_value, std::string_view configured);

// Parses one Update. Errc::parse for a body that is not a JSON object or an
// update without a numeric update_id; nullopt for a valid update Ponte does
// not act on (group chats, unknown update types, bots).
// external_id = decimal update_id; user = from.id; chat = chat.id.
// A callback_query becomes EventKind::choice when its data decodes as a
// choice ref (bot/core/message.hpp), else EventKind::text with the data.
// "/start" (optionally with a payload) becomes EventKind::start.
Result<std::optional<InboundEvent>> parse_update(std::string_view body);

// Splits a message so each part's text fits in Telegram's 4096 limit
// (counted in UTF-16 code units of the visible text, with a margin), cutting
// at paragraph, line, sentence, word, then grapheme boundaries; choices go
// on the last part only. Most messages come back as one part.
std::vector<OutboundMessage> split(const OutboundMessage& msg);

// sendMessage with parse_mode HTML (text escaped), link previews off, and an
// inline keyboard of the choices (one per row; callback_data = choice ref).
// A message with ack_callback_id renders as answerCallbackQuery instead.
ApiCall render(const OutboundMessage& msg, std::string_view chat_id);

// setWebhook for `url` with the secret token and the update types Ponte uses.
ApiCall set_webhook(std::string_view url, std::string_view secret_token, int max_connections);

// getFile for a file id kept from an update (InboundEvent::media_id).
ApiCall get_file(std::string_view file_id);
// The file_path of a getFile reply; the file is then downloaded with GET
// {api_base}/file/bot<token>/<file_path> (valid for at least an hour, up to
// 20 MB). Errc::not_found for 400 (unknown file id) or a file too big to
// download, Errc::unavailable for 429/5xx/no reply, Errc::parse otherwise.
Result<std::string> file_path(int http_status, std::string_view body);

// Classifies an API reply by HTTP status first, then parameters:
// 2xx ok:true -> sent (external_id = result.message_id when present);
// 429 -> retry with parameters.retry_after; 5xx -> retry;
// 403 -> permanent, recipient_gone; 400/401/404/409 -> permanent
// ("query is too old" on answerCallbackQuery and "message is not modified"
// count as sent: nothing left to do).
Delivery classify(int http_status, std::string_view body);

}  // namespace ponte::channels::telegram
