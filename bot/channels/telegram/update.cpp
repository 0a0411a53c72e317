// Telegram webhook side: check the secret header, turn one Update into an
// InboundEvent. Only private chats with people are acted on; everything else
// (groups, channels, bots, update types Ponte does not use) is acknowledged
// and ignored (nullopt), so Telegram does not retry it for 24 hours.
#include "bot/channels/json_body.hpp"
#include "bot/channels/telegram/telegram.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace ponte::channels::telegram {
namespace {

using nlohmann::json;

// Message fields that make a message "media" (the caption is its text).
constexpr std::array<const char*, 11> kMediaKeys = {
    "photo",    "voice",   "document",  "video",      "audio", "sticker",
    "location", "contact", "animation", "video_note", "venue"};

// Telegram ids can exceed 32 bits: keep them as decimal text. nullopt when
// the field is missing or not an integer that fits in int64.
std::optional<std::string> id_member(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return std::to_string(u);
  }
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  return std::nullopt;
}

TimePoint seconds_member(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_number_integer()) return TimePoint{};
  return TimePoint(std::chrono::seconds(v->get<std::int64_t>()));
}

bool is_private(const json& chat) { return string_member(chat, "type") == "private"; }

// Fills who wrote: user id, name, app language. False for bots.
bool read_sender(const json* from, InboundEvent& ev) {
  if (from == nullptr || !from->is_object()) return true;  // private chats always have one
  const json* is_bot = member(*from, "is_bot");
  if (is_bot != nullptr && is_bot->is_boolean() && is_bot->get<bool>()) return false;
  if (auto id = id_member(*from, "id")) ev.user = std::move(*id);
  ev.display_name = string_member(*from, "first_name");
  ev.language_hint = string_member(*from, "language_code");
  return true;
}

bool is_media(const json& message) {
  for (const char* key : kMediaKeys) {
    if (message.contains(key)) return true;
  }
  return false;
}

std::string number_text(const json& object, const char* key) {
  const json* v = member(object, key);
  return v != nullptr && v->is_number() ? v->dump() : std::string();
}

// Which media it is and its file_id (the largest photo size): getFile
// fetches it later. Locations and contacts have no file; their content
// becomes the text when there is no caption.
void read_media(const json& message, InboundEvent& ev) {
  for (const char* key : kMediaKeys) {
    const json* item = member(message, key);
    if (item == nullptr) continue;
    ev.media_type = key;
    if (item->is_array() && !item->empty()) item = &item->back();  // photo sizes, smallest first
    ev.media_id = string_member(*item, "file_id");
    if (!ev.text.empty()) return;
    if (ev.media_type == "location" || ev.media_type == "venue") {
      const json* at = ev.media_type == "venue" ? member(*item, "location") : item;
      if (at != nullptr)
        ev.text = number_text(*at, "latitude") + "," + number_text(*at, "longitude");
    } else if (ev.media_type == "contact") {
      ev.text = string_member(*item, "first_name") + " " + string_member(*item, "phone_number");
    }
    return;
  }
}

// "/start", "/start payload" and "/start@PonteBot payload": the payload
// (a deep-link parameter) becomes the event text.
std::optional<std::string> start_payload(std::string_view text) {
  constexpr std::string_view kStart = "/start";
  if (text.substr(0, kStart.size()) != kStart) return std::nullopt;
  std::string_view rest = text.substr(kStart.size());
  if (!rest.empty() && rest.front() == '@') {
    const auto end = rest.find_first_of(" \n\t");
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\n' && rest.front() != '\t') {
    return std::nullopt;  // "/startle" is not the command
  }
  const auto first = rest.find_first_not_of(" \n\t");
  if (first == std::string_view::npos) return std::string();
  const auto last = rest.find_last_not_of(" \n\t");
  return std::string(rest.substr(first, last - first + 1));
}

// A message or edited_message. Edits are handled as new text: the person
// corrected what they wrote, and the flow may still be waiting for it.
std::optional<InboundEvent> from_message(const json& message, bool edited, InboundEvent ev) {
  const json* chat = member(message, "chat");
  if (chat == nullptr || !is_private(*chat)) return std::nullopt;
  auto chat_id = id_member(*chat, "id");
  if (!chat_id) return std::nullopt;
  ev.chat = std::move(*chat_id);
  if (!read_sender(member(message, "from"), ev)) return std::nullopt;
  if (ev.user.empty()) ev.user = ev.chat;  // private chat id == user id
  // An edit happened at edit_date; the original date is when it was first sent.
  ev.at = seconds_member(message, "date");
  if (edited && message.contains("edit_date")) ev.at = seconds_member(message, "edit_date");

  const json* text = member(message, "text");
  if (text != nullptr && text->is_string()) {
    ev.text = text->get<std::string>();
    if (!edited) {
      if (auto payload = start_payload(ev.text)) {
        ev.kind = EventKind::start;
        ev.text = std::move(*payload);
        return ev;
      }
    }
    ev.kind = EventKind::text;
    return ev;
  }
  if (edited) {
    // A changed caption is the only edit of a media message worth reading.
    ev.text = string_member(message, "caption");
    if (ev.text.empty()) return std::nullopt;
    ev.kind = EventKind::text;
    return ev;
  }
  if (!is_media(message)) return std::nullopt;  // service messages: pins, joins...
  ev.kind = EventKind::media;
  ev.text = string_member(message, "caption");
  read_media(message, ev);
  return ev;
}

// A button press. `message` is the bot's message that carried the keyboard
// (possibly an InaccessibleMessage with date 0); it can be missing.
std::optional<InboundEvent> from_callback(const json& query, InboundEvent ev) {
  const json* id = member(query, "id");
  if (id == nullptr || !id->is_string()) return std::nullopt;
  ev.callback_id = id->get<std::string>();
  const json* from = member(query, "from");
  if (!read_sender(from, ev)) return std::nullopt;
  const json* message = member(query, "message");
  const json* chat = message != nullptr ? member(*message, "chat") : nullptr;
  if (chat != nullptr) {
    if (!is_private(*chat)) return std::nullopt;
    if (auto chat_id = id_member(*chat, "id")) ev.chat = std::move(*chat_id);
  }
  if (ev.chat.empty()) ev.chat = ev.user;
  if (ev.chat.empty()) return std::nullopt;
  if (ev.user.empty()) ev.user = ev.chat;

  const json* data = member(query, "data");
  if (data == nullptr || !data->is_string()) return std::nullopt;  // games: not used
  auto text = data->get<std::string>();
  if (auto ref = decode_choice_ref(text)) {
    ev.kind = EventKind::choice;
    ev.choice_token = std::move(ref->token);
    ev.choice_id = std::move(ref->choice_id);
  } else {
    ev.kind = EventKind::text;
    ev.text = std::move(text);
  }
  return ev;
}

// The person blocked ("kicked") or unblocked ("member") the bot. Sent in
// private chats only for these two changes.
struct MemberChange {
  std::string chat;
  bool blocked = false;
};

std::optional<MemberChange> read_member_change(const json& update) {
  const json* chat = member(update, "chat");
  if (chat == nullptr || !is_private(*chat)) return std::nullopt;
  auto chat_id = id_member(*chat, "id");
  const json* next = member(update, "new_chat_member");
  if (!chat_id || next == nullptr) return std::nullopt;
  const std::string status = string_member(*next, "status");
  if (status != "kicked" && status != "member") return std::nullopt;
  return MemberChange{std::move(*chat_id), status == "kicked"};
}

}  // namespace

bool verify_secret(std::string_view header_value, std::string_view configured) {
  if (configured.empty()) return false;
  // Time depends only on the configured length: every byte is compared and
  // a length mismatch is folded into the same accumulator.
  unsigned diff = header_value.size() == configured.size() ? 0u : 1u;
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const unsigned char h =
        i < header_value.size() ? static_cast<unsigned char>(header_value[i]) : 0u;
    diff |= h ^ static_cast<unsigned char>(configured[i]);
  }
  return diff == 0;
}

Result<std::optional<InboundEvent>> parse_update(std::string_view body) {
  auto parsed = parse_json_body(body);
  if (!parsed) return parsed.error();
  const json& update = *parsed;
  if (!update.is_object()) return fail(Errc::parse, "update is not a JSON object");
  const json* update_id = member(update, "update_id");
  if (update_id == nullptr || !update_id->is_number_integer()) {
    return fail(Errc::parse, "update without an integer update_id");
  }
  auto external_id = id_member(update, "update_id");
  if (!external_id) return fail(Errc::parse, "update_id out of range");

  InboundEvent ev;
  ev.channel = Channel::telegram;
  ev.external_id = std::move(*external_id);
  if (const json* m = member(update, "message"); m != nullptr && m->is_object()) {
    return from_message(*m, false, std::move(ev));
  }
  if (const json* m = member(update, "edited_message"); m != nullptr && m->is_object()) {
    return from_message(*m, true, std::move(ev));
  }
  if (const json* q = member(update, "callback_query"); q != nullptr && q->is_object()) {
    return from_callback(*q, std::move(ev));
  }
  if (const json* c = member(update, "my_chat_member"); c != nullptr && c->is_object()) {
    auto change = read_member_change(*c);
    if (!change) return std::optional<InboundEvent>();
    ev.kind = change->blocked ? EventKind::blocked : EventKind::unblocked;
    ev.user = ev.chat = std::move(change->chat);
    if (const json* date = member(*c, "date"); date != nullptr && date->is_number_integer()) {
      ev.at = TimePoint(std::chrono::seconds(date->get<std::int64_t>()));
    }
    return std::optional<InboundEvent>(std::move(ev));
  }
  return std::optional<InboundEvent>();
}

}  // namespace ponte::channels::telegram
