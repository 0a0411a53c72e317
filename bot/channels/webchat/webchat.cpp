// Web chat adapter: validates what the page posts (everything in it is
// untrusted) and renders transcript rows as the JSON the page draws.
#include "bot/channels/webchat/webchat.hpp"

#include "bot/channels/json_body.hpp"

namespace ponte::channels::webchat {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxText = 4096;  // bytes of UTF-8
constexpr std::size_t kMaxMessageId = 64;
constexpr std::size_t kMaxLang = 16;

bool id_chars(std::string_view s) {
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_message_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxMessageId && id_chars(id);
}

bool valid_lang(std::string_view lang) {
  if (lang.empty() || lang.size() > kMaxLang) return false;
  for (const char c : lang) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  }
  return true;
}

Error bad_field(std::string_view field, std::string_view why) {
  return fail(Errc::invalid, std::string(field) + ": " + std::string(why));
}

// The string value of `key`, nullptr when absent; a non-string is an error.
Result<const std::string*> optional_string(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end()) return static_cast<const std::string*>(nullptr);
  if (!it->is_string()) return bad_field(key, "must be a string");
  return it->get_ptr<const std::string*>();
}

// Exactly one of text / choice / start says what the person did.
Result<void> read_action(const json& body, InboundEvent& ev) {
  auto text = optional_string(body, "text");
  if (!text) return text.error();
  auto choice = optional_string(body, "choice");
  if (!choice) return choice.error();
  const auto start = body.find("start");
  const int actions = (*text != nullptr) + (*choice != nullptr) + (start != body.end());
  if (actions != 1) return bad_field("text", "exactly one of text, choice or start is required");

  if (*text != nullptr) {
    const std::string& t = **text;
    if (t.empty() || t.size() > kMaxText) return bad_field("text", "must be 1 to 4096 bytes");
    ev.kind = EventKind::text;
    ev.text = t;
  } else if (*choice != nullptr) {
    auto ref = decode_choice_ref(**choice);
    if (!ref) return bad_field("choice", "not a choice reference");
    ev.kind = EventKind::choice;
    ev.choice_token = std::move(ref->token);
    ev.choice_id = std::move(ref->choice_id);
  } else {
    if (!start->is_boolean() || !start->get<bool>()) return bad_field("start", "must be true");
    ev.kind = EventKind::start;
  }
  return {};
}

}  // namespace

bool valid_client_id(std::string_view id) {
  return id.size() >= 16 && id.size() <= 64 && id_chars(id);
}

Result<InboundEvent> parse_post(std::string_view body, TimePoint now) {
  auto parsed = parse_json_body(body);
  if (!parsed) return parsed.error();
  const json& post = *parsed;
  if (!post.is_object()) return fail(Errc::parse, "body is not a JSON object");

  auto client = optional_string(post, "client");
  if (!client) return client.error();
  if (*client == nullptr || !valid_client_id(**client)) {
    return bad_field("client", "16 to 64 characters of A-Z a-z 0-9 _ - required");
  }
  auto id = optional_string(post, "id");
  if (!id) return id.error();
  if (*id == nullptr || !valid_message_id(**id)) {
    return bad_field("id", "1 to 64 characters of A-Z a-z 0-9 _ - required");
  }
  auto lang = optional_string(post, "lang");
  if (!lang) return lang.error();
  if (*lang != nullptr && !(*lang)->empty() && !valid_lang(**lang)) {
    return bad_field("lang", "up to 16 characters of A-Z a-z -");
  }

  InboundEvent ev;
  ev.channel = Channel::webchat;
  ev.user = **client;
  ev.chat = **client;
  ev.external_id = **client + ":" + **id;
  if (*lang != nullptr) ev.language_hint = **lang;
  ev.at = now;
  if (auto action = read_action(post, ev); !action) return action.error();
  return ev;
}

std::string render_event(std::int64_t id, bool outbound, const OutboundMessage& msg,
                         std::int64_t at_ms) {
  json choices = json::array();
  for (const auto& c : msg.choices) {
    choices.push_back(
        {{"id", c.id}, {"label", c.label}, {"ref", encode_choice_ref(msg.choice_token, c.id)}});
  }
  const json row = {{"id", id},         {"dir", outbound ? "out" : "in"},
                    {"text", msg.text}, {"choices", std::move(choices)},
                    {"lang", msg.lang}, {"rtl", msg.rtl},
                    {"at", at_ms}};
  return dump_compact(row);
}

}  // namespace ponte::channels::webchat
