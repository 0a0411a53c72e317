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
