// A pressed button is named in the transcript by its label, in the person's
// language; an unknown prompt or id gives nothing (never a raw key).
#include "bot/engine/flow_set.hpp"
#include "bot/engine/step.hpp"

#include <gtest/gtest.h>

namespace ponte::engine {
namespace {

TEST(ChoiceLabel, NamesTheButtonOfAKnownPrompt) {
  auto report = load_flow_set(std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/flows",
                              std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/locales");
  ASSERT_TRUE(report.ok());
  InboundEvent start;
  start.kind = EventKind::start;
  auto r = step(*report.flows, {}, start, TimePoint{});
  ASSERT_FALSE(r.replies.empty());
  const auto& prompt = r.replies.back();
  ASSERT_FALSE(prompt.choice_token.empty());
  EXPECT_EQ(choice_label(*report.flows, prompt.choice_token, "ar", "it"), "العربية");
  EXPECT_EQ(choice_label(*report.flows, prompt.choice_token, "nope", "it"), "");
  EXPECT_EQ(choice_label(*report.flows, "00000000", "ar", "it"), "");
}

}  // namespace
}  // namespace ponte::engine

namespace ponte::engine {
namespace {

TEST(ChoiceLabel, NamesTheSkipButtonOfAQuestion) {
  auto report =
      load_flow_set(std::string(PONTE_SOURCE_DIR) + "/tests/engine/data/flows_urgent/flows",
                    std::string(PONTE_SOURCE_DIR) + "/tests/engine/data/flows_urgent/locales");
  ASSERT_TRUE(report.ok());
  InboundEvent name;
  name.kind = EventKind::text;
  name.text = "1";  // "Dati": the name question, skippable
  ConversationState state;
  state.flow = "menu";
  state.node = "menu";
  state.flow_version = 1;
  state.waiting = true;
  auto r = step(*report.flows, state, name, TimePoint{});
  ASSERT_EQ(r.replies.size(), 1U);
  const std::string token = r.replies[0].choice_token;
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(choice_label(*report.flows, token, "skip", "en"), "Skip");
  EXPECT_EQ(choice_label(*report.flows, token, "other", "en"), "");
}

}  // namespace
}  // namespace ponte::engine
