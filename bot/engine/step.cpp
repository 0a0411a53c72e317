// step(): one inbound event moves one conversation. It decides where the
// conversation resumes (new, ended, waiting at a node), lets the waiting
// node take the answer (or repeats its prompt), then runs nodes until one
// waits, the conversation ends, or the step budget is spent. Anything the
// flow set does not explain becomes a Note and a safe place: restart_flow's
// start node, which load() guarantees is a prompt.
#include "bot/engine/step.hpp"

#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/run.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

// The flow a typed text names by one of its trigger keywords: the person's
// language first, exact matches before misspellings; an ambiguous
// misspelling names nothing.
const std::string* match_trigger(const FlowSet& flows, std::u32string_view text, std::size_t lang) {
  if (text.empty()) return nullptr;
  for (const bool own : {true, false}) {
    for (const auto& t : flows.triggers) {
      if ((t.lang == lang) == own && t.keyword == text) return &t.flow;
    }
  }
  for (const bool own : {true, false}) {
    const std::string* found = nullptr;
    for (const auto& t : flows.triggers) {
      if ((t.lang == lang) != own || t.letters < 5 || !within_one_edit(text, t.keyword)) continue;
      if (found != nullptr && *found != t.flow) return nullptr;
      found = &t.flow;
    }
    if (found != nullptr) return found;
  }
  return nullptr;
}

// Stops at the safe place: restart_flow's start, prompting and waiting.
void safe_place(Run& run) {
  run.state().stack.clear();
  run.enter(run.flows().restart_flow);
  const Node* node = run.current();
  const NodeKindOps* ops = node != nullptr ? &node_kind(node->kind) : nullptr;
  if (ops == nullptr || ops->prompt == nullptr) {  // load() rules this out
    run.state().ended = true;
    return;
  }
  ops->prompt(*node, run);
  run.state().waiting = true;
}

void drive(Run& run) {
  const int budget = run.flows().step_budget;
  for (int visited = 0;; ++visited) {
    const Node* node = run.current();
    if (node == nullptr) {
      run.note("unknown_node", "no node " + run.state().flow + "/" + run.state().node +
                                   "; moved to " + run.flows().restart_flow);
      safe_place(run);
      return;
    }
    if (visited == budget) {
      run.note("step_budget", std::to_string(budget) + " nodes in one step, stopped at " +
                                  run.state().flow + "/" + node->id);
      safe_place(run);
      return;
    }
    switch (node_kind(node->kind).run(*node, run)) {
      case Next::go: continue;
      case Next::wait: run.state().waiting = true; return;
      case Next::stop: run.state().ended = true; return;
    }
  }
}

// The waiting node takes the event. True when the state moved on and nodes
// should run; false when the prompt was repeated and we keep waiting.
bool answer(Run& run, const Node& node, const InboundEvent& event) {
  const NodeKindOps& ops = node_kind(node.kind);
  if (event.kind == EventKind::start) {  // a page reload or /start: show it again
    ops.prompt(node, run);
    return false;
  }
  if (event.kind == EventKind::media) {
    run.say("system.media_received");
    ops.prompt(node, run);
    return false;
  }
  const std::u32string text =
      event.kind == EventKind::text ? normalize(event.text) : std::u32string();
  switch (ops.resume(node, run, event, text)) {
    case Resume::picked: run.state().waiting = false; return true;
    case Resume::stale:
      run.say("system.stale_choice");
      ops.prompt(node, run);
      return false;
    case Resume::repeated: return false;
    case Resume::no_match: break;
  }
  if (event.kind == EventKind::text) {
    if (const std::string* flow = match_trigger(run.flows(), text, run.lang())) {
      run.state().stack.clear();
      run.enter(*flow);
      return true;
    }
  }
  run.say("system.not_understood");
  ops.prompt(node, run);
  return false;
}

// An ended conversation starts again: at the flow a typed trigger names,
// otherwise at restart_flow. Contact fields stay; session vars go.
void restart(Run& run, const InboundEvent& event) {
  run.clear_session();
  const std::string* flow = nullptr;
  if (event.kind == EventKind::text) {
    flow = match_trigger(run.flows(), normalize(event.text), run.lang());
  }
  run.enter(flow != nullptr ? *flow : run.flows().restart_flow);
}

}  // namespace

std::string_view to_string(Priority p) noexcept {
  switch (p) {
    case Priority::urgent: return "urgent";
    case Priority::high: return "high";
    case Priority::normal: return "normal";
  }
  return "normal";
}

StepResult step(const FlowSet& flows, ConversationState state, const InboundEvent& event,
                TimePoint /*now: no node kind reads time yet*/) {
  Run run(flows, std::move(state));
  run.decide_language(event.language_hint);
  ConversationState& s = run.state();
  if (s.flow.empty()) {
    run.enter(flows.start_flow);
  } else if (s.ended) {
    restart(run, event);
  } else if (!s.waiting) {
    run.note("not_waiting", "state at " + s.flow + "/" + s.node + " was not waiting; restarted");
    restart(run, event);
  } else {
    const Node* node = run.current();
    if (node == nullptr || node_kind(node->kind).resume == nullptr) {
      run.note("unknown_node", "no prompt " + s.flow + "/" + s.node +
                                   " in the loaded flows; moved to " + flows.restart_flow);
      safe_place(run);
      return run.finish();
    }
    s.flow_version = run.flow()->version;
    if (!answer(run, *node, event)) return run.finish();
  }
  drive(run);
  return run.finish();
}

Result<StepResult> step_into(const FlowSet& flows, ConversationState state,
                             std::string_view flow_id) {
  if (flows.flows.find(flow_id) == flows.flows.end()) {
    return fail(Errc::not_found, "no flow \"" + std::string(flow_id) + "\"");
  }
  Run run(flows, std::move(state));
  run.clear_session();
  run.enter(flow_id);
  drive(run);
  return run.finish();
}

std::vector<std::string> available_flows(const FlowSet& flows) {
  std::vector<std::string> ids;
  for (const auto& [id, flow] : flows.flows) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace ponte::engine
