// Conversation tests: flows/tests/*.json describe what a person sends and
// what Ponte must answer, step by step, and `ponte flows test` runs them
// through the real step() (the state goes through JSON between messages, as
// storage keeps it). A file holds an array of tests:
//
//   [{"name": "the menu in Italian",
//     "lang": "it",                         the person's app language (optional)
//     "flow": "main",                       waiting at its first prompt (optional;
//                                           default: a new conversation)
//     "contact": {"municipality": "Roma"},  contact fields known already (optional)
//     "steps": [
//       {"send": "ciao", "expect": [{"key": "main.menu.prompt",
//                                    "choices": ["Permesso di soggiorno", "Salute"]}]},
//       {"press": "health", "expect": [{"key": "main.health.info"}, {"key": "main.menu.prompt"}],
//        "effects": [], "at": "main/menu"}]}]
//
// A step sends text ("send"), presses a button of the last prompt by its
// choice id ("press"), or sends a photo ("media": true). "expect" lists every
// reply, in order: "key" (its text in the conversation's language), "text"
// (exact) or "contains"; "choices" lists the button labels. "effects"
// (handoff, follow_up, erase) and "at" ("flow/node" reached) are checked
// when given. A failure shows what was expected and everything that came.
#pragma once

#include "bot/engine/flow_set.hpp"

#include <filesystem>
#include <string>

namespace ponte::engine {

struct ConversationTestReport {
  std::size_t files = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::string output;  // one line per passed test, a diff per failure
  bool ok() const { return failed == 0; }
};

// Runs every *.json of `dir` (sorted). A missing folder is zero tests; a
// file that is not valid JSON or not test-shaped is a failure, with where.
ConversationTestReport run_conversation_tests(const FlowSet& flows,
                                              const std::filesystem::path& dir);

// Runs the tests in one JSON text (for tests of the runner itself).
ConversationTestReport run_conversation_tests(const FlowSet& flows, std::string_view json_text,
                                              const std::string& shown_name);

}  // namespace ponte::engine
