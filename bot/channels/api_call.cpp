#include "bot/channels/api_call.hpp"

namespace ponte::channels {

std::string short_reason(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

Delivery make(Delivery::Kind kind, std::string reason) {
  Delivery d;
  d.kind = kind;
  d.reason = std::move(reason);
  return d;
}

}  // namespace ponte::channels
