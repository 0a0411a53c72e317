// WhatsApp webhook POST bodies: one notification may batch many entries,
// changes, messages and statuses, so everything is walked and anything Ponte
// does not use is skipped (Meta retries non-200 answers for 7 days; a body
// we cannot act on must still be acknowledged). Only the envelope is
// strict: a body that is not a WhatsApp notification is Errc::parse.
#include "bot/channels/json_body.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <array>
#include <charconv>

namespace ponte::channels::whatsapp {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 5> kMediaTypes = {"image", "audio", "video", "document",
                                                    "sticker"};

// Iterates an array member; a missing or non-array member is empty.
template <class F>
void each(const json& object, const char* key, F&& f) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_array()) return;
  for (const json& item : *v) {
    if (item.is_object()) f(item);
  }
}

// Meta sends unix seconds as a string ("1749416383"); 0 when unreadable.
std::int64_t seconds_of(const json& object, const char* key) {
  const std::string text = string_member(object, key);
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n < 0) return 0;
  return n;
}

std::string number_text(const json* v) {
  return v != nullptr && v->is_number() ? v->dump() : std::string();
}

void append(std::string& out, std::string_view sep, std::string_view part) {
  if (part.empty()) return;
  if (!out.empty()) out += sep;
  out += part;
}

// "45.4642,9.19 Duomo, Piazza del Duomo": neutral, no language.
std::string location_text(const json& location) {
  std::string out = number_text(member(location, "latitude"));
  const std::string lon = number_text(member(location, "longitude"));
  if (!lon.empty()) out += "," + lon;
  std::string place = string_member(location, "name");
  append(place, ", ", string_member(location, "address"));
  append(out, " ", place);
  return out;
}

// "Amina Diallo +39 333 1234567; ..." for shared contact cards.
std::string contacts_text(const json& message) {
  std::string out;
  each(message, "contacts", [&](const json& card) {
    std::string line;
    if (const json* name = member(card, "name")) line = string_member(*name, "formatted_name");
    each(card, "phones",
         [&](const json& phone) { append(line, " ", string_member(phone, "phone")); });
    append(out, "; ", line);
  });
  return out;
}

// A reply carrying a choice ref is a button press; anything else is what
// the person would have typed (the title, or a template button's label).
void set_reply(InboundEvent& ev, const std::string& ref, std::string label) {
  if (auto decoded = decode_choice_ref(ref)) {
    ev.kind = EventKind::choice;
    ev.choice_token = std::move(decoded->token);
    ev.choice_id = std::move(decoded->choice_id);
    return;
  }
  ev.kind = EventKind::text;
  ev.text = label.empty() ? ref : std::move(label);
}

// Fills kind and text from messages[].type. False for types Ponte ignores.
bool read_content(const json& message, const std::string& type, InboundEvent& ev,
                  std::optional<MediaItem>& media) {
  const json empty = json::object();
  const json* payload = member(message, type.c_str());
  const json& body = payload != nullptr && payload->is_object() ? *payload : empty;
  if (type == "text") {
    ev.kind = EventKind::text;
    ev.text = string_member(body, "body");
    return true;
  }
  if (type == "interactive") {
    const std::string kind = string_member(body, "type");
    if (kind != "button_reply" && kind != "list_reply") return false;
    const json* reply = member(body, kind.c_str());
    if (reply == nullptr) return false;
    set_reply(ev, string_member(*reply, "id"), string_member(*reply, "title"));
    return !ev.text.empty() || ev.kind == EventKind::choice;
  }
  if (type == "button") {
    set_reply(ev, string_member(body, "payload"), string_member(body, "text"));
    return !ev.text.empty() || ev.kind == EventKind::choice;
  }
  ev.kind = EventKind::media;
  if (type == "location") {
    ev.text = location_text(body);
    return true;
  }
  if (type == "contacts") {
    ev.text = contacts_text(message);
    return true;
  }
  if (type == "reaction") {
    ev.text = string_member(body, "emoji");  // empty: the reaction was removed
    return true;
  }
  for (const char* media_type : kMediaTypes) {
    if (type != media_type) continue;
    ev.text = string_member(body, "caption");
    MediaItem item;
    item.type = type;
    item.media_id = string_member(body, "id");
    item.mime_type = string_member(body, "mime_type");
    item.filename = string_member(body, "filename");
    const json* voice = member(body, "voice");
    item.voice = voice != nullptr && voice->is_boolean() && voice->get<bool>();
    media = std::move(item);
    return true;
  }
  return false;  // system, order, unsupported, request_welcome...
}

// contacts[] lists who wrote; match on wa_id or user_id, else a lone entry.
std::string profile_name(const json& value, const std::string& from,
                         const std::string& from_user_id) {
  const json* contacts = member(value, "contacts");
  if (contacts == nullptr || !contacts->is_array()) return {};
  for (const json& contact : *contacts) {
    const std::string wa_id = string_member(contact, "wa_id");
    const std::string user_id = string_member(contact, "user_id");
    const bool same = (!from.empty() && wa_id == from) ||
                      (!from_user_id.empty() && user_id == from_user_id) || contacts->size() == 1;
    const json* profile = member(contact, "profile");
    if (same && profile != nullptr) return string_member(*profile, "name");
  }
  return {};
}

void read_message(const json& value, const json& message, Parsed& out) {
  InboundEvent ev;
  ev.channel = Channel::whatsapp;
  ev.external_id = string_member(message, "id");
  const std::string from = string_member(message, "from");
  const std::string from_user_id = string_member(message, "from_user_id");
  // The person is their business-scoped user id (BSUID) when the webhook
  // carries one (every webhook since April 2026): it stays the same when a
  // person adopts a username and stops showing their number. Replies go to
  // the phone number while it is known, else to the BSUID.
  ev.user = from_user_id.empty() ? from : from_user_id;
  ev.chat = from.empty() ? from_user_id : from;
  if (ev.external_id.empty() || ev.user.empty()) return;
  ev.at = TimePoint(std::chrono::seconds(seconds_of(message, "timestamp")));
  ev.display_name = profile_name(value, from, from_user_id);
  ev.language_hint = language_from_phone(from);
  std::optional<MediaItem> media;
  if (!read_content(message, string_member(message, "type"), ev, media)) return;
  if (media) {
    media->event = out.events.size();
    out.media.push_back(std::move(*media));
  }
  out.events.push_back(std::move(ev));
}

void read_status(const json& status, Parsed& out) {
  StatusUpdate s;
  s.message_id = string_member(status, "id");
  s.status = string_member(status, "status");
  if (s.message_id.empty() || s.status.empty()) return;
  s.recipient = string_member(status, "recipient_id");
  if (s.recipient.empty()) s.recipient = string_member(status, "recipient_user_id");
  s.at_ms = seconds_of(status, "timestamp") * 1000;
  const json* errors = member(status, "errors");
  if (errors != nullptr && errors->is_array() && !errors->empty()) {
    const json& first = errors->front();
    const json* code = member(first, "code");
    if (code != nullptr && code->is_number_integer()) {
      const auto n = code->get<std::int64_t>();
      s.error_code = n >= 0 && n <= 0x7FFFFFFF ? static_cast<int>(n) : -1;
    }
    s.error_title = string_member(first, "title");
    if (s.error_title.empty()) s.error_title = string_member(first, "message");
  }
  out.statuses.push_back(std::move(s));
}

}  // namespace

Result<Parsed> parse_webhook(std::string_view body) {
  auto parsed = parse_json_body(body);
  if (!parsed) return parsed.error();
  const json& root = *parsed;
  if (!root.is_object() || string_member(root, "object") != "whatsapp_business_account") {
    return fail(Errc::parse, "not a whatsapp_business_account notification");
  }
  const json* entries = member(root, "entry");
  if (entries == nullptr || !entries->is_array()) {
    return fail(Errc::parse, "notification without an entry array");
  }
  Parsed out;
  for (const json& entry : *entries) {
    each(entry, "changes", [&](const json& change) {
      const json* field = member(change, "field");
      if (field != nullptr && (!field->is_string() || *field != "messages")) return;
      const json* value = member(change, "value");
      if (value == nullptr || !value->is_object()) return;
      each(*value, "messages", [&](const json& m) { read_message(*value, m, out); });
      each(*value, "statuses", [&](const json& s) { read_status(s, out); });
    });
  }
  return out;
}

}  // namespace ponte::channels::whatsapp
