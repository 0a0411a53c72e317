// Conversation state: where a person is in the flows, and what we know.
// It round-trips through JSON (storage keeps it as text), so every field
// here must survive to_json -> from_json unchanged.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

namespace ponte::engine {

struct Frame {
  std::string flow;
  std::string node;  // where to continue when the called flow ends
  bool operator==(const Frame&) const = default;
};

struct ConversationState {
  std::string flow;          // current flow id; empty = conversation not started
  std::string node;          // current node id
  int flow_version = 0;      // version of the flow file the node belongs to
  bool waiting = false;      // stopped at `node` waiting for the person's input
  bool ended = false;        // reached an end node
  int attempts = 0;          // invalid answers so far to the question at `node`
  std::vector<Frame> stack;  // return points of `goto` calls
  // Session variables: cleared when a conversation restarts.
  std::map<std::string, std::string> vars;
  // Contact fields persist across conversations ("language", "municipality",
  // "consent", ...). contact["language"] is the person's language.
  std::map<std::string, std::string> contact;

  std::string language() const;
  bool operator==(const ConversationState&) const = default;
};

void to_json(nlohmann::json& j, const ConversationState& s);
void from_json(const nlohmann::json& j, ConversationState& s);

}  // namespace ponte::engine
