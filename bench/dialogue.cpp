// Dialogue files and the webhook bodies of the load generator's simulated chats.
#include "bench/dialogue.hpp"

#include <array>
#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

namespace ponte::bench {

Result<Dialogue> load_dialogue(const std::filesystem::path& file,
                               const std::filesystem::path& root) {
  std::ifstream in(file);
  if (!in) return fail(Errc::config, file.string() + ": cannot open");
  auto json = nlohmann::json::parse(in, nullptr, false);
  const auto bad = [&](const std::string& why) {
    return fail(Errc::config, file.string() + ": " + why);
  };
  if (!json.is_object()) return bad("not a JSON object");
  Dialogue d;
  d.file = file;
  if (!json["flows_dir"].is_string() || !json["locales_dir"].is_string()) {
    return bad("flows_dir and locales_dir (strings) are required");
  }
  d.flows_dir = root / json["flows_dir"].get<std::string>();
  d.locales_dir = root / json["locales_dir"].get<std::string>();
  if (!json["steps"].is_array() || json["steps"].empty()) return bad("steps: a non-empty array");
  for (const auto& s : json["steps"]) {
    if (!s.is_object() || !s["send"].is_string() || !s["replies"].is_number_integer() ||
        s["replies"].get<int>() < 0) {
      return bad("each step needs \"send\" (text) and \"replies\" (a count >= 0)");
    }
    d.steps.push_back(
        {s["send"].get<std::string>(), s["replies"].get<int>(), s.value("expect", std::string())});
  }
  d.hold_after = json.value("hold_after", d.steps.size());
  if (d.hold_after == 0 || d.hold_after > d.steps.size()) return bad("hold_after: 1..steps");
  return d;
}

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

std::string wa_id(std::int64_t chat_id) { return "39" + std::to_string(chat_id); }

std::string whatsapp_json(const TextUpdate& u, std::string_view phone_number_id) {
  const auto from = wa_id(u.chat_id);
  const nlohmann::json message = {{"from", from},
                                  {"id", "wamid.bench" + std::to_string(u.update_id)},
                                  {"timestamp", std::to_string(std::time(nullptr))},
                                  {"type", "text"},
                                  {"text", {{"body", u.text}}}};
  const nlohmann::json value = {
      {"messaging_product", "whatsapp"},
      {"metadata", {{"display_phone_number", "15550783881"}, {"phone_number_id", phone_number_id}}},
      {"contacts", {{{"profile", {{"name", u.first_name}}}, {"wa_id", from}}}},
      {"messages", {message}}};
  const nlohmann::json note = {
      {"object", "whatsapp_business_account"},
      {"entry", {{{"id", "WABA1"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}};
  return note.dump();
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
