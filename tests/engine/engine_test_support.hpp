// Helpers shared by the engine tests: loading a flow set from the test
// data folders and building events.
#pragma once

#include "bot/engine/flow_set.hpp"
#include "bot/engine/step.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace ponte::engine::testing {

inline std::filesystem::path test_data() { return PONTE_TEST_DATA; }
inline std::filesystem::path source_dir() { return PONTE_SOURCE_DIR; }

// Loads <root>/flows + <root>/locales; fails the test on any error.
inline std::shared_ptr<const FlowSet> load_set(const std::filesystem::path& root) {
  LoadReport report = load_flow_set(root / "flows", root / "locales");
  for (const auto& p : report.problems) {
    if (p.severity == Problem::Severity::error) ADD_FAILURE() << to_string(p);
  }
  return report.flows;
}

inline InboundEvent text_event(std::string text, std::string hint = {}) {
  InboundEvent e;
  e.kind = EventKind::text;
  e.text = std::move(text);
  e.language_hint = std::move(hint);
  return e;
}

inline InboundEvent choice_event(std::string token, std::string id) {
  InboundEvent e;
  e.kind = EventKind::choice;
  e.choice_token = std::move(token);
  e.choice_id = std::move(id);
  return e;
}

}  // namespace ponte::engine::testing
