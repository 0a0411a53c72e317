// The channel-neutral messages every module speaks. Adapters turn platform
// JSON into an InboundEvent and an OutboundMessage into platform JSON; the
// engine sees only these types.
#pragma once

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte {

enum class EventKind {
  text,       // the person typed something
  choice,     // the person pressed a button: choice_token + choice_id
  start,      // the person opened the chat (web chat) or sent /start
  media,      // photo, voice, document...: kept in the transcript, text = caption
  blocked,    // the person blocked the bot: stop sending (Telegram my_chat_member)
  unblocked,  // the person unblocked it: sending may resume
};

std::string_view to_string(EventKind kind) noexcept;

struct InboundEvent {
  Channel channel = Channel::webchat;
  // Dedupe key, unique per channel: Telegram update_id, web chat
  // "<client>:<message id>". A repeated key is acknowledged, not processed.
  std::string external_id;
  std::string user;  // the platform's id of the person (contact key)
  std::string chat;  // where replies go (Telegram chat id, web chat client id)
  EventKind kind = EventKind::text;
  std::string text;           // typed text, or a caption for media
  std::string choice_token;   // kind == choice: the prompt the button belonged to
  std::string choice_id;      // kind == choice: which button
  std::string callback_id;    // Telegram callback_query id, to acknowledge the press
  std::string language_hint;  // the person's app language (IETF tag), may be empty
  std::string display_name;   // first name as the platform gives it, may be empty
  // kind == media: what arrived ("photo", "voice", "image", "location"...)
  // and the platform's file id, kept so an operator can fetch the file
  // later (Telegram getFile, WhatsApp media id); empty when there is none.
  std::string media_type;
  std::string media_id;
  TimePoint at{};  // when the platform says it was sent
};

struct Choice {
  std::string id;     // stable id from the flow file, ASCII, <= 40 bytes
  std::string label;  // rendered text shown on the button
};

struct OutboundMessage {
  std::string text;             // rendered, plain text (adapters escape it)
  std::vector<Choice> choices;  // buttons/list rows; typed answers work too
  std::string choice_token;     // identifies the prompt; sent back with a press
  std::string lang;             // BCP 47 language of the text ("ar", "it")
  bool rtl = false;             // text direction of `lang`
  bool urgent = false;          // urgent content (emergency numbers)
  bool sensitive = false;       // avoid previews / notifications content
  // Set only for a Telegram button acknowledgement (answerCallbackQuery);
  // such a message has no text and is never shown in the transcript.
  // WhatsApp also uses it to mark the person's message `ack_callback_id`
  // as read.
  std::string ack_callback_id;
  // Set when the message must go as an approved WhatsApp template (outside
  // the 24-hour window): its name and positional body parameters. `text`
  // keeps what the transcript shows.
  std::string template_name;
  std::vector<std::string> template_params;
};

// Buttons carry "c:<token>:<choice id>" (<= 64 bytes: Telegram's callback_data
// limit). The token names the prompt, so a press on an old keyboard is told
// apart from a press on the current one. Never user data in here.
std::string encode_choice_ref(std::string_view token, std::string_view choice_id);
struct ChoiceRef {
  std::string token;
  std::string choice_id;
};
std::optional<ChoiceRef> decode_choice_ref(std::string_view data);

}  // namespace ponte
