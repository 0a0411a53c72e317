// step(): one inbound event moves one conversation. It decides where the
// conversation resumes (new, ended, waiting at a node), lets pending
// business take the event first (an erase confirmation, a pause, a global
// command, search offers), then lets the waiting node take the answer (or
// repeats its prompt), then runs nodes until one waits, the conversation
// ends, or the step budget is spent. Anything the flow set does not explain
// becomes a Note and a safe place: restart_flow's start node, which load()
// guarantees is a prompt, after a short apology (system.moved).
#include "bot/engine/step.hpp"

#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/run.hpp"
#include "bot/engine/search.hpp"
#include "bot/engine/steps.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

// The waiting node takes the event. True when the state moved on and nodes
// should run; false when the prompt was repeated and we keep waiting.
bool answer(Run& run, const Node& node, const InboundEvent& event, std::u32string_view text) {
  const NodeKindOps& ops = node_kind(node.kind);
  if (take_offer(run, event, text)) return true;
  if (event.kind == EventKind::start) {  // a page reload or /start: show it again
    ops.prompt(node, run);
    return false;
  }
  if (event.kind == EventKind::media) {
    run.say("system.media_received");
    ops.prompt(node, run);
    return false;
  }
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
    // A question takes any text as its answer, so only a choice gets here
    // with free text: perhaps a question in the person's own words.
    if (node.kind == NodeKind::choice && offer_answers(run, event.text, true)) return false;
  }
  run.say("system.not_understood");
  ops.prompt(node, run);
  return false;
}

// An ended conversation starts again: at the flow a typed trigger names,
// otherwise at restart_flow, and then, if the text was a question in the
// person's words, with the answers search finds. Contact fields stay;
// session vars go.
void restart(Run& run, const InboundEvent& event, std::u32string_view text) {
  run.clear_session();
  const std::string* flow =
      event.kind == EventKind::text ? match_trigger(run.flows(), text, run.lang()) : nullptr;
  run.enter(flow != nullptr ? *flow : run.flows().restart_flow);
  drive(run);
  if (flow == nullptr && event.kind == EventKind::text && run.state().waiting) {
    const Node* node = run.current();
    if (node != nullptr && node->kind == NodeKind::choice) offer_answers(run, event.text, false);
  }
}

// Remembers the node the person left, for "back".
void remember(ConversationState& s, std::optional<BackPoint> before) {
  if (!before || !s.waiting || (s.flow == before->flow && s.node == before->node)) return;
  s.history.push_back(std::move(*before));
  if (s.history.size() > ConversationState::kMaxHistory) s.history.erase(s.history.begin());
}

// The flow whose `alerts` the message contains (the person's language
// first), or null.
const std::string* match_alert(const FlowSet& flows, std::u32string_view text, std::size_t lang) {
  if (flows.alerts.empty() || text.empty()) return nullptr;
  const std::vector<std::u32string> words = word_tokens(text);
  for (const bool own : {true, false}) {
    for (const auto& a : flows.alerts) {
      if ((a.lang == lang) == own && contains_words(words, a.words)) return &a.flow;
    }
  }
  return nullptr;
}

// Someone in danger: the alert's flow starts at once, whatever was going on
// (a question waiting, a pause, an erase confirmation, no consent yet).
void raise_alert(Run& run, const std::string& flow) {
  ConversationState& s = run.state();
  s.confirm.clear();
  s.contact.erase("paused");  // they wrote to us: answering is what they want
  if (s.ended) run.clear_session();
  s.stack.clear();
  run.note("alert", "urgent words: started flow " + flow);
  run.enter(flow);
  drive(run);
}

StepResult conversation(Run& run, const InboundEvent& event, std::u32string_view text) {
  ConversationState& s = run.state();
  const FlowSet& flows = run.flows();
  if (event.kind == EventKind::text) {
    if (const std::string* flow = match_alert(flows, text, run.lang())) {
      raise_alert(run, *flow);
      return run.finish();
    }
  }
  if (!s.confirm.empty()) {
    confirm_erase(run, event, text);
    return run.finish();
  }
  if (s.paused()) {
    while_paused(run, event, text);
    return run.finish();
  }
  const Node* waiting_at = s.waiting ? run.current() : nullptr;
  if (event.kind == EventKind::text) {
    // While a question waits, only an exact command counts: "stopp" may be
    // someone's answer, and a typo must not pause their messages. Commands
    // work in a brand-new conversation too ("stop" as a first message).
    const bool exact = waiting_at != nullptr && (waiting_at->kind == NodeKind::question ||
                                                 waiting_at->kind == NodeKind::services);
    if (const auto command = match_command(flows, text, run.lang(), exact)) {
      run_command(run, *command);
      return run.finish();
    }
  }
  if (s.flow.empty()) {
    run.enter(flows.start_flow);
    drive(run);
    return run.finish();
  }
  if (s.ended) {
    restart(run, event, text);
  } else if (!s.waiting) {
    run.note("not_waiting", "state at " + s.flow + "/" + s.node + " was not waiting; restarted");
    restart(run, event, text);
  } else {
    if (waiting_at == nullptr || node_kind(waiting_at->kind).resume == nullptr) {
      run.note("unknown_node", "no prompt " + s.flow + "/" + s.node +
                                   " in the loaded flows; moved to " + flows.restart_flow);
      apologise(run);
      safe_place(run);
      return run.finish();
    }
    const std::optional<BackPoint> before = BackPoint{s.flow, s.node, s.stack};
    s.flow_version = run.flow()->version;
    if (!answer(run, *waiting_at, event, text)) return run.finish();
    drive(run);
    remember(run.state(), before);
  }
  return run.finish();
}

}  // namespace

void apologise(Run& run) {
  if (run.flows().key("system.moved") != nullptr) run.say("system.moved");
}

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
      apologise(run);
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

void prompt_again(Run& run) {
  ConversationState& s = run.state();
  s.offers.clear();
  s.offers_token.clear();
  const Node* node = s.waiting ? run.current() : nullptr;
  if (node != nullptr && node_kind(node->kind).prompt != nullptr) {
    node_kind(node->kind).prompt(*node, run);
    return;
  }
  if (s.flow.empty()) {
    run.enter(run.flows().start_flow);
  } else {
    run.clear_session();
    run.enter(run.flows().restart_flow);
  }
  drive(run);
}

std::string_view to_string(Priority p) noexcept {
  switch (p) {
    case Priority::urgent: return "urgent";
    case Priority::high: return "high";
    case Priority::normal: return "normal";
  }
  return "normal";
}

StepResult step(const FlowSet& flows, ConversationState state, const InboundEvent& event,
                TimePoint now) {
  Run run(flows, std::move(state), now);
  run.decide_language(event.language_hint);
  const std::u32string text =
      event.kind == EventKind::text ? normalize(event.text) : std::u32string();
  return conversation(run, event, text);
}

}  // namespace ponte::engine

namespace ponte::engine {

StepResult start_flow(const FlowSet& flows, ConversationState state, std::string_view flow_id,
                      std::string_view language_hint, TimePoint now) {
  Run run(flows, std::move(state), now);
  run.decide_language(language_hint);
  run.clear_session();
  run.enter(flow_id);
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

const std::string* alert_flow(const FlowSet& flows, const InboundEvent& event,
                              std::string_view language) {
  if (event.kind != EventKind::text) return nullptr;
  const int i = flows.language_index(language);
  const auto lang = i >= 0 ? static_cast<std::size_t>(i) : flows.default_lang;
  return match_alert(flows, normalize(event.text), lang);
}

std::vector<std::string> available_flows(const FlowSet& flows) {
  std::vector<std::string> ids;
  for (const auto& [id, flow] : flows.flows) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace ponte::engine
