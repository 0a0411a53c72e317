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

bool ConversationState::paused() const {
  const auto it = contact.find("paused");
  return it != contact.end() && it->second == "yes";
}

namespace {

nlohmann::json frames_json(const std::vector<Frame>& frames) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : frames) out.push_back({{"flow", f.flow}, {"node", f.node}});
  return out;
}

std::vector<Frame> frames_from(const nlohmann::json& j, const char* key) {
  std::vector<Frame> out;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& f : *it) {
    if (!f.is_object()) continue;
    out.push_back(Frame{f.value("flow", std::string()), f.value("node", std::string())});
  }
  return out;
}

}  // namespace

void to_json(nlohmann::json& j, const ConversationState& s) {
  nlohmann::json stack = frames_json(s.stack);
  j = nlohmann::json{
      {"flow", s.flow},       {"node", s.node},      {"flow_version", s.flow_version},
      {"waiting", s.waiting}, {"ended", s.ended},    {"stack", std::move(stack)},
      {"vars", s.vars},       {"contact", s.contact}};
  if (s.attempts != 0) j["attempts"] = s.attempts;
  // Written only when in use, so states without them round-trip unchanged.
  if (!s.history.empty()) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& b : s.history) {
      history.push_back({{"flow", b.flow}, {"node", b.node}, {"stack", frames_json(b.stack)}});
    }
    j["history"] = std::move(history);
  }
  if (!s.offers.empty()) {
    j["offers"] = frames_json(s.offers);
    j["offers_token"] = s.offers_token;
  }
  if (!s.confirm.empty()) j["confirm"] = s.confirm;
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
  s.stack = frames_from(j, "stack");
  s.offers = frames_from(j, "offers");
  s.offers_token = j.value("offers_token", std::string());
  s.confirm = j.value("confirm", std::string());
  if (const auto it = j.find("history"); it != j.end() && it->is_array()) {
    for (const auto& b : *it) {
      if (!b.is_object()) continue;
      s.history.push_back(BackPoint{b.value("flow", std::string()), b.value("node", std::string()),
                                    frames_from(b, "stack")});
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
