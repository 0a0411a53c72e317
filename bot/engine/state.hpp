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

// A node the person was waiting at, for the global command "back".
struct BackPoint {
  std::string flow;
  std::string node;
  std::vector<Frame> stack;  // the call stack as it was there
  bool operator==(const BackPoint&) const = default;
};

struct ConversationState {
  std::string flow;          // current flow id; empty = conversation not started
  std::string node;          // current node id
  int flow_version = 0;      // version of the flow file the node belongs to
  bool waiting = false;      // stopped at `node` waiting for the person's input
  bool ended = false;        // reached an end node
  int attempts = 0;          // invalid answers so far to the question at `node`
  std::vector<Frame> stack;  // return points of `goto` calls
  // Earlier waiting nodes, newest last (at most kMaxHistory), for "back".
  std::vector<BackPoint> history;
  // Answers offered by free-text search while waiting at `node`: picking
  // one (button with `offers_token`, or its number) enters that node.
  std::vector<Frame> offers;
  std::string offers_token;
  // "erase" while the person is asked to confirm erasing their data.
  std::string confirm;
  // Session variables: cleared when a conversation restarts.
  std::map<std::string, std::string> vars;
  // Contact fields persist across conversations ("language", "municipality",
  // "consent", ...). contact["language"] is the person's language.
  std::map<std::string, std::string> contact;

  static constexpr std::size_t kMaxHistory = 10;

  std::string language() const;
  // contact["paused"] == "yes": the person said "stop"; the bot stays quiet.
  bool paused() const;
  bool operator==(const ConversationState&) const = default;
};

void to_json(nlohmann::json& j, const ConversationState& s);
void from_json(const nlohmann::json& j, ConversationState& s);

}  // namespace ponte::engine
