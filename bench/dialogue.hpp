// The demo dialogue the load generator walks for every simulated chat, and
// the Telegram Update each step becomes (a private-chat text message, shaped
// as in docs/platforms.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::bench {

// "ciao" -> language menu, "2" -> English: welcome + main menu,
// "1" -> residence permit info + menu again, "menu" -> main menu.
inline const std::vector<std::string> kDialogue = {"ciao", "2", "1", "menu"};

struct TextUpdate {
  std::int64_t update_id;
  std::int64_t chat_id;  // also the user's id, as in private chats
  std::int64_t message_id;
  std::string_view text;
  std::string_view language_code;
  std::string_view first_name;
};

std::string update_json(const TextUpdate& u);

// A plausible app language and first name for the n-th simulated chat.
std::string_view language_for(std::int64_t n);
std::string_view name_for(std::int64_t n);

}  // namespace ponte::bench
