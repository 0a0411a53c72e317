// One step in progress: the state being changed, the replies and effects
// gathered so far, and the person's language. Node kinds act through this
// interface only, so adding a kind never touches step().
#pragma once

#include "bot/engine/flow_model.hpp"

#include <string>
#include <string_view>

namespace ponte::engine {

class Run {
 public:
  Run(const FlowSet& flows, ConversationState state, TimePoint now = {});

  const FlowSet& flows() const { return flows_; }
  ConversationState& state() { return out_.state; }
  const Flow* flow() const { return flow_; }
  std::size_t lang() const { return lang_; }
  TimePoint now() const { return now_; }
  const std::string& lang_code() const { return flows_.languages[lang_].code; }

  // Decides the conversation's language (contact, then the event's hint,
  // then the default) and stores it in contact["language"].
  void decide_language(std::string_view hint);

  // Appends a reply with the text of `key` (nothing when key is empty).
  void say(std::string_view key);
  // The same, rendered with MessageFormat arguments ({municipality}).
  void say(std::string_view key, const Args& args);
  // Appends a reply the engine wrote itself (not a catalog text).
  void send(OutboundMessage m);
  // Appends the prompt of a choice node, with its buttons.
  void prompt(const ChoiceNode& node);
  void apply(const Assignments& set);
  // Appends the text of `key` with buttons made by the engine itself
  // (search offers, the erase confirmation); labels are already rendered.
  void ask(std::string_view key, std::vector<Choice> choices, std::string token);
  // The rendered text of `key` in the person's language (fallbacks apply);
  // empty, with a note, when no language has it.
  std::string text(std::string_view key);
  void handoff(Handoff h);
  void effect(Effect e);
  void note(std::string code, std::string message);
  std::size_t reply_count() const { return out_.replies.size(); }
  // Nothing said and nothing done (no handoff, no effect) in this step yet.
  bool silent() const { return out_.replies.empty() && out_.effects.empty(); }

  // Moves to a node of the current flow (checked by step() before running).
  void move_to(std::string_view node_id);
  // Moves to a node of a flow (its start node when node_id is empty). An
  // unknown flow or node is noticed by step() before anything runs there.
  void enter(std::string_view flow_id, std::string_view node_id = {});
  // The node the state points at; null when the flow or node is unknown
  // (the flow set changed under a running conversation).
  const Node* current() const;
  void clear_session();  // vars and call stack; contact stays

  StepResult finish() { return std::move(out_); }

 private:
  OutboundMessage message(std::string_view key, const Args& args = {});

  const FlowSet& flows_;
  StepResult out_;
  const Flow* flow_ = nullptr;
  std::size_t lang_ = 0;
  TimePoint now_{};
};

// What a node does after it ran.
enum class Next {
  go,    // continue at state().node
  wait,  // stop and wait for the person
  stop,  // the conversation ended
};

}  // namespace ponte::engine
