// ConversationState <-> JSON. Reading is lenient (missing keys keep their
// defaults, unknown keys are ignored) so a state stored by an older Ponte
// still loads; writing writes every field (`attempts` only when not 0, so
// states stored before it existed read and write back unchanged).
#include "bot/engine/state.hpp"

#include <nlohmann/json.hpp>

namespace ponte::engine {

std::string ConversationState::language() const {
  const auto it = contact.find("language");
  return it == contact.end() ? std::string() : it->second;
}

void to_json(nlohmann::json& j, const ConversationState& s) {
  nlohmann::json stack = nlohmann::json::array();
  for (const auto& f : s.stack) stack.push_back({{"flow", f.flow}, {"node", f.node}});
  j = nlohmann::json{
      {"flow", s.flow},       {"node", s.node},      {"flow_version", s.flow_version},
      {"waiting", s.waiting}, {"ended", s.ended},    {"stack", std::move(stack)},
      {"vars", s.vars},       {"contact", s.contact}};
  if (s.attempts != 0) j["attempts"] = s.attempts;
}

void from_json(const nlohmann::json& j, ConversationState& s) {
  s = ConversationState{};
  if (!j.is_object()) return;
  s.flow = j.value("flow", std::string());
  s.node = j.value("node", std::string());
  s.flow_version = j.value("flow_version", 0);
  s.waiting = j.value("waiting", false);
  s.ended = j.value("ended", false);
  s.attempts = j.value("attempts", 0);
  if (const auto it = j.find("stack"); it != j.end() && it->is_array()) {
    for (const auto& f : *it) {
      s.stack.push_back(Frame{f.value("flow", std::string()), f.value("node", std::string())});
    }
  }
  for (const char* group : {"vars", "contact"}) {
    const auto it = j.find(group);
    if (it == j.end() || !it->is_object()) continue;
    auto& target = std::string_view(group) == "vars" ? s.vars : s.contact;
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) target[k] = v.get<std::string>();
    }
  }
}

}  // namespace ponte::engine
