// The dialogue the load generator walks for every simulated chat, read from
// a JSON file (bench/dialogues/*.json): the texts a person types, one per
// step, and how many messages Ponte should answer each with. Also the
// webhook bodies each step becomes, as Telegram and WhatsApp send them
// (shaped as in docs/platforms.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/error.hpp"

namespace ponte::bench {

struct DialogueStep {
  std::string send;    // what the person types
  int replies = 0;     // messages Ponte answers with
  std::string expect;  // what they are, for people reading the report
};

struct Dialogue {
  std::filesystem::path file;
  std::filesystem::path flows_dir;  // resolved against the repository root
  std::filesystem::path locales_dir;
  std::vector<DialogueStep> steps;
  // --hold walks only this many steps: the chat then waits at a question.
  std::size_t hold_after = 0;
};

// Reads and checks a dialogue file; relative folders in it resolve against `root`.
Result<Dialogue> load_dialogue(const std::filesystem::path& file,
                               const std::filesystem::path& root);

enum class Channel { telegram, whatsapp };

struct TextUpdate {
  std::int64_t update_id;  // Telegram update_id; WhatsApp: part of the wamid
  std::int64_t chat_id;    // also the user's id, as in private chats; WhatsApp: the phone
  std::int64_t message_id;
  std::string_view text;
  std::string_view language_code;
  std::string_view first_name;
};

std::string update_json(const TextUpdate& u);
// A WhatsApp Cloud API notification with one text message from wa_id(chat_id).
std::string whatsapp_json(const TextUpdate& u, std::string_view phone_number_id);
// The WhatsApp number of a simulated chat: an Italian mobile prefix and the id.
std::string wa_id(std::int64_t chat_id);

// A plausible app language and first name for the n-th simulated chat.
std::string_view language_for(std::int64_t n);
std::string_view name_for(std::int64_t n);

}  // namespace ponte::bench
