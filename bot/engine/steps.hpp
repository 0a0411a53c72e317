// The pieces step() is made of, shared by the files that handle what comes
// before a node sees the message: global commands (commands.cpp) and
// free-text search offers (offers.cpp). Engine-internal.
#pragma once

#include "bot/engine/run.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ponte::engine {

// Runs nodes until one waits, the conversation ends, or the budget is spent.
void drive(Run& run);
// Says system.moved (a short apology) when the set has it: the person's
// node disappeared in a reload.
void apologise(Run& run);
// Stops at the safe place (restart_flow's start), prompting and waiting.
void safe_place(Run& run);
// The flow a typed text names by a trigger keyword, or null.
const std::string* match_trigger(const FlowSet& flows, std::u32string_view text, std::size_t lang);
// Shows the waiting node's prompt again; a conversation that is not waiting
// (new, ended) starts again instead: at start_flow or restart_flow.
void prompt_again(Run& run);

// --- commands.cpp ---
// The global command a normalised text is, in any loaded language (the
// person's first); one typo in words of 5+ letters unless `exact`.
std::optional<Command> match_command(const FlowSet& flows, std::u32string_view text,
                                     std::size_t lang, bool exact);
void run_command(Run& run, Command command);
// While the person is asked to confirm "erase": takes the answer. Always
// consumes the event.
void confirm_erase(Run& run, const InboundEvent& event, std::u32string_view text);
// While paused: resumes on the start command or a trigger, else stays quiet.
void while_paused(Run& run, const InboundEvent& event, std::u32string_view text);

// --- offers.cpp ---
// When offers are open, an answer naming one (its button or number) enters
// it: true. Otherwise the offers close and false.
bool take_offer(Run& run, const InboundEvent& event, std::u32string_view text);
// Searches the answers in the person's language and offers the best three
// as buttons; with nothing relevant, offers an operator when the set has an
// operator_flow and `or_operator`. False when nothing was offered.
bool offer_answers(Run& run, std::string_view typed, bool or_operator);

}  // namespace ponte::engine
