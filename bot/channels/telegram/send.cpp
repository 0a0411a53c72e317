// Telegram sending side: neutral messages become Bot API calls (HTML text,
// inline keyboard), long texts are split under the 4096 limit, and API
// replies are classified by HTTP status first, as the Bot API asks
// (error_code and description wording may change).
#include "bot/channels/json_body.hpp"
#include "bot/channels/telegram/telegram.hpp"
#include "bot/channels/text_split.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace ponte::channels::telegram {
namespace {

using nlohmann::json;

// Telegram's limit is 4096; the margin leaves room for a "(1/3)" marker.
constexpr std::size_t kSplitAt = 4000;
constexpr std::size_t kMaxCallbackData = 64;  // bytes
constexpr std::size_t kMaxButtons = 100;      // undocumented, from PTB

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

json chat_id_value(std::string_view chat_id) {
  std::int64_t n = 0;
  const auto* end = chat_id.data() + chat_id.size();
  const auto [ptr, ec] = std::from_chars(chat_id.data(), end, n);
  if (!chat_id.empty() && ec == std::errc() && ptr == end) return n;
  return std::string(chat_id);  // "@channelusername"
}

// The keyboard, or nullopt when Telegram would refuse it (too many buttons,
// a ref over 64 bytes): the caller then lists the choices as numbered text,
// which typed answers ("2", the label) still match.
std::optional<json> inline_keyboard(const OutboundMessage& msg) {
  if (msg.choices.size() > kMaxButtons) return std::nullopt;
  json rows = json::array();
  for (const auto& choice : msg.choices) {
    auto data = encode_choice_ref(msg.choice_token, choice.id);
    if (data.size() > kMaxCallbackData) return std::nullopt;
    const std::string& label = choice.label.empty() ? choice.id : choice.label;
    rows.push_back(json::array({{{"text", label}, {"callback_data", std::move(data)}}}));
  }
  return json{{"inline_keyboard", std::move(rows)}};
}

std::string numbered_choices(const OutboundMessage& msg) {
  std::string out = msg.text;
  for (std::size_t i = 0; i < msg.choices.size(); ++i) {
    if (!out.empty()) out += '\n';
    out += std::to_string(i + 1) + ". " + msg.choices[i].label;
  }
  return out;
}

std::int64_t retry_after_of(const json& reply) {
  const auto params = reply.find("parameters");
  if (params == reply.end() || !params->is_object()) return 0;
  const auto v = params->find("retry_after");
  if (v == params->end() || !v->is_number_integer()) return 0;
  return std::max<std::int64_t>(v->get<std::int64_t>(), 0);
}

std::string description_of(const json& reply, int status) {
  const auto d = reply.find("description");
  if (d != reply.end() && d->is_string()) return short_reason(d->get<std::string>());
  return "HTTP " + std::to_string(status);
}

Delivery classify_success(const json& reply, int status) {
  const auto ok = reply.find("ok");
  if (ok == reply.end() || !ok->is_boolean() || !ok->get<bool>()) {
    return make(Delivery::Kind::retry, "2xx without ok:true: " + description_of(reply, status));
  }
  Delivery d = make(Delivery::Kind::sent, "sent");
  const auto result = reply.find("result");
  if (result != reply.end() && result->is_object()) {
    const auto id = result->find("message_id");
    if (id != result->end() && id->is_number_integer()) {
      d.external_id = std::to_string(id->get<std::int64_t>());
    }
  }
  return d;
}

bool mentions(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

}  // namespace

std::vector<OutboundMessage> split(const OutboundMessage& msg) {
  if (!msg.ack_callback_id.empty()) return {msg};
  auto texts = split_text(msg.text, kSplitAt, msg.lang);
  if (texts.size() <= 1) return {msg};
  std::vector<OutboundMessage> parts;
  parts.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    OutboundMessage part;
    part.text = std::move(texts[i]);
    part.lang = msg.lang;
    part.rtl = msg.rtl;
    part.urgent = msg.urgent;
    part.sensitive = msg.sensitive;
    if (i + 1 == texts.size()) {
      part.choices = msg.choices;
      part.choice_token = msg.choice_token;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

ApiCall render(const OutboundMessage& msg, std::string_view chat_id) {
  if (!msg.ack_callback_id.empty()) {
    return {"answerCallbackQuery", dump_compact({{"callback_query_id", msg.ack_callback_id}})};
  }
  json body = {{"chat_id", chat_id_value(chat_id)},
               {"parse_mode", "HTML"},
               {"link_preview_options", {{"is_disabled", true}}}};
  std::optional<json> keyboard;
  if (!msg.choices.empty()) keyboard = inline_keyboard(msg);
  if (keyboard) {
    body["text"] = escape_html(msg.text);
    body["reply_markup"] = std::move(*keyboard);
  } else {
    body["text"] = escape_html(msg.choices.empty() ? msg.text : numbered_choices(msg));
  }
  if (msg.urgent) body["disable_notification"] = false;  // ring even in a muted chat
  if (msg.sensitive) body["protect_content"] = true;     // no forwarding or saving
  return {"sendMessage", dump_compact(body)};
}

ApiCall set_webhook(std::string_view url, std::string_view secret_token, int max_connections) {
  const json body = {
      {"url", url},
      {"secret_token", secret_token},
      {"max_connections", std::clamp(max_connections, 1, 100)},
      {"allowed_updates", {"message", "edited_message", "callback_query", "my_chat_member"}},
  };
  return {"setWebhook", dump_compact(body)};
}

Delivery classify(int http_status, std::string_view body) {
  auto parsed = parse_json_body(body);
  const bool is_object = parsed && parsed->is_object();
  const json reply = is_object ? std::move(*parsed) : json::object();
  const std::string description = description_of(reply, http_status);

  if (http_status >= 200 && http_status < 300) {
    if (!is_object) return make(Delivery::Kind::retry, "unparsable 2xx reply");
    return classify_success(reply, http_status);
  }
  if (http_status == 429) {
    Delivery d = make(Delivery::Kind::retry, description);
    const auto seconds = retry_after_of(reply);
    d.retry_after = std::chrono::seconds(seconds > 0 ? seconds : 1);
    return d;
  }
  if (http_status >= 500) {
    Delivery d = make(Delivery::Kind::retry, description);
    d.retry_after = std::chrono::seconds(retry_after_of(reply));
    return d;
  }
  if (http_status == 403) {
    Delivery d = make(Delivery::Kind::permanent, description);
    d.recipient_gone = true;
    return d;
  }
  if (http_status == 400) {
    // Nothing left to do: the press was answered too late to matter, or the
    // edit asked for is already in place.
    if (mentions(description, "query is too old") ||
        mentions(description, "message is not modified")) {
      return make(Delivery::Kind::sent, description);
    }
    return make(Delivery::Kind::permanent, description);
  }
  if (http_status == 401 || http_status == 404 || http_status == 409) {
    return make(Delivery::Kind::permanent, description);  // configuration: token, method, webhook
  }
  return make(Delivery::Kind::retry, description);
}

}  // namespace ponte::channels::telegram
