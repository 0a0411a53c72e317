// Global commands: words that work in every language at any point, whatever
// node the conversation waits at. Their words are texts like any other, so
// translators own them: `system.commands.<name>` holds comma-separated
// words per language (`"aiuto, help"`), each language's own list only (a
// fallback language's words are not the person's words, but the lists of
// every loaded language are recognised, the person's own first).
//   help   -> system.help, then the current question again
//   stop   -> contact.paused = "yes" and system.paused; from then on the bot
//             sends nothing (no replies, no follow-ups) until the person
//             writes a `start` word or a trigger keyword (system.resumed)
//   start  -> resumes after stop; otherwise like help without the text
//   erase  -> system.erase.confirm with yes/no buttons; "yes" (the button,
//             a yes word, or the label) erases: an Erase effect, the state is
//             forgotten and system.erase.done is the last message; anything
//             else keeps everything (system.erase.cancelled)
//   back   -> the node the person answered before this one, as it was
// "menu", "language" and "operator" are trigger keywords of their flows.
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/steps.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr std::string_view kEraseYes = "yes";
constexpr std::string_view kEraseNo = "no";

std::string erase_token() { return choice_token("@erase", "confirm", 0); }

void go_back(Run& run) {
  ConversationState& s = run.state();
  while (!s.history.empty()) {
    BackPoint back = std::move(s.history.back());
    s.history.pop_back();
    const Flow* flow = run.flows().find_flow(back.flow);
    const Node* node = flow != nullptr ? flow->find(back.node) : nullptr;
    if (node == nullptr || node_kind(node->kind).prompt == nullptr) continue;  // edited away
    run.enter(back.flow, back.node);
    s.stack = std::move(back.stack);
    node_kind(node->kind).prompt(*node, run);
    s.waiting = true;
    return;
  }
  prompt_again(run);
}

void ask_erase(Run& run) {
  run.state().confirm = "erase";
  run.ask("system.erase.confirm",
          {Choice{std::string(kEraseYes), run.text("system.erase.yes")},
           Choice{std::string(kEraseNo), run.text("system.erase.no")}},
          erase_token());
}

bool in_words(std::u32string_view text, const std::vector<std::u32string>& words) {
  return std::any_of(words.begin(), words.end(),
                     [text](const std::u32string& w) { return fuzzy_equal(text, w); });
}

}  // namespace

std::optional<Command> match_command(const FlowSet& flows, std::u32string_view text,
                                     std::size_t lang, bool exact) {
  if (text.empty()) return std::nullopt;
  for (const bool own : {true, false}) {
    for (const auto& c : flows.commands) {
      if ((c.lang == lang) == own && c.word == text) return c.command;
    }
  }
  if (exact) return std::nullopt;
  for (const bool own : {true, false}) {
    std::optional<Command> found;
    for (const auto& c : flows.commands) {
      if ((c.lang == lang) != own || c.letters < 5 || !within_one_edit(text, c.word)) continue;
      if (found && *found != c.command) return std::nullopt;  // ambiguous typo
      found = c.command;
    }
    if (found) return found;
  }
  return std::nullopt;
}

void run_command(Run& run, Command command) {
  switch (command) {
    case Command::help:
      run.say("system.help");
      prompt_again(run);
      return;
    case Command::start: prompt_again(run); return;
    case Command::stop:
      run.state().contact["paused"] = "yes";
      run.state().offers.clear();
      run.say("system.paused");
      return;
    case Command::erase: ask_erase(run); return;
    case Command::back: go_back(run); return;
  }
}

void confirm_erase(Run& run, const InboundEvent& event, std::u32string_view text) {
  ConversationState& s = run.state();
  s.confirm.clear();
  bool yes = false;
  if (event.kind == EventKind::choice) {
    yes = event.choice_token == erase_token() && event.choice_id == kEraseYes;
  } else if (event.kind == EventKind::text) {
    const std::u32string label = normalize(run.text("system.erase.yes"));
    yes = (!label.empty() && fuzzy_equal(text, label)) || in_words(text, run.flows().yes_words) ||
          parse_number(text) == 1;
  }
  if (!yes) {
    run.say("system.erase.cancelled");
    if (!s.paused()) prompt_again(run);
    return;
  }
  run.say("system.erase.done");
  run.effect(Erase{});
  s = ConversationState{};  // the next message starts a new conversation
}

void while_paused(Run& run, const InboundEvent& event, std::u32string_view text) {
  if (event.kind != EventKind::text) {
    run.note("paused", "the person paused messages; nothing sent");
    return;
  }
  const auto command = match_command(run.flows(), text, run.lang(), false);
  if (command == Command::erase) {
    ask_erase(run);
    return;
  }
  const std::string* flow = match_trigger(run.flows(), text, run.lang());
  if (command != Command::start && flow == nullptr) {
    run.note("paused", "the person paused messages; nothing sent");
    return;
  }
  run.state().contact.erase("paused");
  run.say("system.resumed");
  if (flow == nullptr) {
    prompt_again(run);
    return;
  }
  run.clear_session();
  run.enter(*flow);
  drive(run);
}

}  // namespace ponte::engine
