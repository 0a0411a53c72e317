#include "bot/server/whatsapp_window.hpp"

#include "bot/channels/api_call.hpp"

namespace ponte::server {
namespace {

// Template parameters may not hold newlines, tabs or runs of more than
// four spaces (Meta refuses the send): fold all whitespace.
std::string template_parameter(const OutboundMessage& msg) {
  std::string text = msg.text;
  for (std::size_t i = 0; i < msg.choices.size(); ++i) {
    text += " " + std::to_string(i + 1) + ". " + msg.choices[i].label;
  }
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  // A template body is at most 1024 characters including its own words.
  return channels::short_reason(out, 900);
}

const std::string* template_for(const WhatsAppConfig& config, const std::string& lang) {
  if (auto it = config.window_templates.find(lang); it != config.window_templates.end()) {
    return &it->second;
  }
  const auto dash = lang.find_first_of("-_");
  if (dash != std::string::npos) {
    auto it = config.window_templates.find(lang.substr(0, dash));
    if (it != config.window_templates.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace

bool whatsapp_window_open(const WhatsAppConfig& config, std::optional<std::int64_t> last_inbound_at,
                          std::int64_t now_ms) {
  if (!last_inbound_at) return false;
  const std::int64_t margin = std::int64_t{config.window_margin_s} * 1000;
  return now_ms < *last_inbound_at + kWhatsAppWindowMs - margin;
}

Result<OutboundMessage> fit_whatsapp_window(const WhatsAppConfig& config,
                                            const OutboundMessage& msg,
                                            std::optional<std::int64_t> last_inbound_at,
                                            std::int64_t now_ms) {
  if (!msg.ack_callback_id.empty() || !msg.template_name.empty() ||
      whatsapp_window_open(config, last_inbound_at, now_ms)) {
    return msg;
  }
  const auto* name = template_for(config, msg.lang);
  if (name == nullptr) {
    return fail(Errc::window_closed,
                "WhatsApp allows only templates more than 24 hours after the person's last "
                "message, and no template is configured for language \"" +
                    msg.lang + "\" (whatsapp.window_templates)");
  }
  OutboundMessage out = msg;
  out.template_name = *name;
  out.template_params = {template_parameter(msg)};
  out.choices.clear();
  out.choice_token.clear();
  return out;
}

}  // namespace ponte::server
