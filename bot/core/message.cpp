#include "bot/core/message.hpp"

namespace ponte {

std::string_view to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::text: return "text";
    case EventKind::choice: return "choice";
    case EventKind::start: return "start";
    case EventKind::media: return "media";
    case EventKind::blocked: return "blocked";
    case EventKind::unblocked: return "unblocked";
  }
  return "unknown";
}

std::string encode_choice_ref(std::string_view token, std::string_view choice_id) {
  std::string out = "c:";
  out.append(token).append(":").append(choice_id);
  return out;
}

std::optional<ChoiceRef> decode_choice_ref(std::string_view data) {
  if (data.size() < 4 || data.size() > 64 || data.substr(0, 2) != "c:") return std::nullopt;
  data.remove_prefix(2);
  const auto colon = data.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == data.size()) {
    return std::nullopt;
  }
  return ChoiceRef{std::string(data.substr(0, colon)), std::string(data.substr(colon + 1))};
}

}  // namespace ponte
