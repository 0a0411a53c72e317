#include "bot/server/message_codec.hpp"

#include <nlohmann/json.hpp>

namespace ponte::server {

using nlohmann::json;

std::string encode_outbound(const OutboundMessage& msg) {
  json j = {{"text", msg.text}, {"lang", msg.lang}};
  if (!msg.choices.empty()) {
    json choices = json::array();
    for (const auto& c : msg.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
    j["choices"] = std::move(choices);
    j["token"] = msg.choice_token;
  }
  if (msg.rtl) j["rtl"] = true;
  if (msg.urgent) j["urgent"] = true;
  if (msg.sensitive) j["sensitive"] = true;
  if (!msg.ack_callback_id.empty()) j["ack"] = msg.ack_callback_id;
  if (!msg.template_name.empty()) {
    j["template"] = {{"name", msg.template_name}, {"params", msg.template_params}};
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<OutboundMessage> decode_outbound(std::string_view json_text) {
  try {
    const auto j = json::parse(json_text);
    OutboundMessage m;
    m.text = j.value("text", "");
    m.lang = j.value("lang", "");
    m.rtl = j.value("rtl", false);
    m.urgent = j.value("urgent", false);
    m.sensitive = j.value("sensitive", false);
    m.ack_callback_id = j.value("ack", "");
    m.choice_token = j.value("token", "");
    if (auto it = j.find("template"); it != j.end()) {
      m.template_name = it->at("name").get<std::string>();
      m.template_params = it->value("params", std::vector<std::string>{});
    }
    if (auto it = j.find("choices"); it != j.end()) {
      for (const auto& c : *it) {
        m.choices.push_back({c.at("id").get<std::string>(), c.at("label").get<std::string>()});
      }
    }
    return m;
  } catch (const json::exception& e) {
    return fail(Errc::parse, std::string("stored message: ") + e.what());
  }
}

std::string encode_inbound(const InboundEvent& ev, std::string_view label) {
  json j = {{"kind", to_string(ev.kind)}};
  switch (ev.kind) {
    case EventKind::choice:
      j["choice"] = ev.choice_id;
      j["text"] = label;
      break;
    case EventKind::start:
    case EventKind::blocked:
    case EventKind::unblocked: break;
    case EventKind::text:
    case EventKind::media: j["text"] = ev.text; break;
  }
  if (!ev.media_type.empty()) j["media_type"] = ev.media_type;
  if (!ev.media_id.empty()) j["media_id"] = ev.media_id;
  // A person's text may hold invalid UTF-8: keep it, replaced, rather than fail.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<OutboundMessage> decode_inbound_as_message(std::string_view json_text) {
  try {
    const auto j = json::parse(json_text);
    OutboundMessage m;
    m.text = j.value("text", "");
    return m;
  } catch (const json::exception& e) {
    return fail(Errc::parse, std::string("stored message: ") + e.what());
  }
}

}  // namespace ponte::server
