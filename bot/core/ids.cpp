#include "bot/core/ids.hpp"

namespace ponte {

std::string_view to_string(Channel channel) noexcept {
  switch (channel) {
    case Channel::telegram: return "telegram";
    case Channel::whatsapp: return "whatsapp";
    case Channel::webchat: return "webchat";
  }
  return "unknown";
}

std::optional<Channel> channel_from_string(std::string_view name) noexcept {
  if (name == "telegram") return Channel::telegram;
  if (name == "whatsapp") return Channel::whatsapp;
  if (name == "webchat") return Channel::webchat;
  return std::nullopt;
}

}  // namespace ponte
