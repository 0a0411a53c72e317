// Update JSON for the load generator's simulated chats.
#include "bench/dialogue.hpp"

#include <array>
#include <ctime>

#include <nlohmann/json.hpp>

namespace ponte::bench {

std::string update_json(const TextUpdate& u) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  nlohmann::json update = {
      {"update_id", u.update_id},
      {"message",
       {{"message_id", u.message_id},
        {"date", now},
        {"from",
         {{"id", u.chat_id},
          {"is_bot", false},
          {"first_name", u.first_name},
          {"language_code", u.language_code}}},
        {"chat", {{"id", u.chat_id}, {"type", "private"}, {"first_name", u.first_name}}},
        {"text", u.text}}}};
  return update.dump();
}

std::string_view language_for(std::int64_t n) {
  static constexpr std::array<std::string_view, 8> kLanguages = {"ar", "en", "uk", "fr",
                                                                 "bn", "ur", "ti", "it"};
  return kLanguages[static_cast<std::size_t>(n % 8)];
}

std::string_view name_for(std::int64_t n) {
  static constexpr std::array<std::string_view, 8> kNames = {"Amina", "John", "Olena", "Awa",
                                                             "Rahim", "Sana", "Yonas", "Luca"};
  return kNames[static_cast<std::size_t>(n % 8)];
}

}  // namespace ponte::bench
