// The engine is a pure function: (flows, state, event, now) -> (state',
// replies, effects, notes). No clock, files, logging, randomness or storage
// inside; the server applies effects in the same transaction as state'.
#pragma once

#include "bot/core/clock.hpp"
#include "bot/core/error.hpp"
#include "bot/core/message.hpp"
#include "bot/engine/flow_set.hpp"
#include "bot/engine/state.hpp"

#include <string>
#include <variant>
#include <vector>

namespace ponte::engine {

enum class Priority { urgent = 0, high = 1, normal = 2 };
std::string_view to_string(Priority p) noexcept;

// Hand the conversation to a human: the server opens a queued case. Its
// confirmation (catalog key `text_key`, rendered with {position}, the
// person's place in the queue) is inserted into `replies` at `reply_index`,
// because only storage knows the position.
struct Handoff {
  std::string topic;
  Priority priority = Priority::normal;
  std::string reason;
  std::string summary;   // rendered summary of collected answers (may be empty)
  std::string text_key;  // confirmation message key; may be empty (no message)
  std::string lang;      // language to render the confirmation in
  std::size_t reply_index = 0;
  bool emergency_numbers = true;  // the server adds system.emergency to an urgent case
};

// The person confirmed "erase": the server deletes their transcript,
// sessions, follow-ups and the personal parts of their cases (keeping
// anonymous counts), after this step's replies are queued.
struct Erase {};

// A follow-up message to send at `due` (a follow_up node): the server keeps
// it and, when due, renders catalog key `text_key` in the person's language
// of that moment. Skipped when the person paused messages, erased their
// data or cannot be reached.
struct FollowUp {
  TimePoint due;
  std::string text_key;
  std::string flow;  // where it was scheduled, for operators and logs
  std::string node;
};

using Effect = std::variant<Handoff, Erase, FollowUp>;

struct Note {
  std::string code;  // "missing_translation", "step_budget", "unknown_node"...
  std::string message;
};

struct StepResult {
  ConversationState state;
  std::vector<OutboundMessage> replies;  // final text, rendered with ICU
  std::vector<Effect> effects;
  std::vector<Note> notes;  // runtime problems, never thrown
};

StepResult step(const FlowSet& flows, ConversationState state, const InboundEvent& event,
                TimePoint now);

// Starts flow `flow_id` at its start node, as a trigger keyword would, and
// runs it until it waits (for the chat simulator and conversation tests).
// An unknown flow ends at the safe place with a note.
StepResult start_flow(const FlowSet& flows, ConversationState state, std::string_view flow_id,
                      std::string_view language_hint, TimePoint now);
// Hand-back from an operator: the conversation restarts at `flow_id` (session
// variables cleared, contact fields kept) and runs to its first prompt, so
// the person hears from the bot at once. Errors: Errc::not_found when the
// loaded set has no such flow (the state is left as it was).
Result<StepResult> step_into(const FlowSet& flows, ConversationState state,
                             std::string_view flow_id);
// The flow whose `alerts` a text message contains (the contact's language
// `language` first, then the others), or null: what the server checks
// while an operator holds the conversation and the bot stays silent.
const std::string* alert_flow(const FlowSet& flows, const InboundEvent& event,
                              std::string_view language);
// The ids of the loaded flows, sorted (for the console's hand-back menu).
std::vector<std::string> available_flows(const FlowSet& flows);

}  // namespace ponte::engine
