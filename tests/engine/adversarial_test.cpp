// Bad input never crashes the engine: huge, invalid UTF-8 and control
// character messages at every kind of waiting node get a safe reply, and a
// deeply nested or wrongly typed stored state or test file is an error, not
// a crash.
#include "bot/engine/conversation_tests.hpp"
#include "bot/engine/state.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

namespace ponte::engine::testing {
namespace {

std::shared_ptr<const FlowSet> search_set() {
  static const auto set = load_set(test_data() / "flows_search");
  return set;
}

ConversationState waiting_at(const std::string& flow, const std::string& node, int version) {
  ConversationState s;
  s.flow = flow;
  s.node = node;
  s.flow_version = version;
  s.waiting = true;
  s.contact["language"] = "it";
  return s;
}

std::vector<std::string> hostile_texts() {
  std::string controls;
  for (char c = 1; c < 32; ++c) controls.push_back(c);
  return {
      std::string(1 << 20, 'a'),                  // 1 MiB of one word
      std::string(200'000, ' ') + "permesso",     // mostly spaces
      "\xff\xfe\xfd permesso \xc3\x28 \xe2\x82",  // invalid UTF-8
      controls + "aiuto" + controls,              // control characters
      std::string("\0\0\0", 3),                   // NULs
      "\u202e\u200f\u200b\ufeff",                 // direction marks, zero width
      std::string(5000, '{') + std::string(5000, '}'),
  };
}

TEST(Adversarial, HostileMessagesGetASafeReplyAtEveryWaitingNode) {
  const auto set = search_set();
  ASSERT_TRUE(set);
  for (const auto& [flow, node, version] :
       {std::tuple{"answers", "topics", 1}, std::tuple{"remind", "ask_name", 2}}) {
    for (const auto& text : hostile_texts()) {
      const StepResult r = step(*set, waiting_at(flow, node, version), text_event(text), {});
      EXPECT_FALSE(r.replies.empty()) << flow << " " << text.substr(0, 20);
      EXPECT_TRUE(r.state.waiting || r.state.ended) << flow;
      for (const auto& m : r.replies) EXPECT_FALSE(m.text.empty());
      // The state still round-trips through JSON as storage keeps it.
      const auto dumped =
          nlohmann::json(r.state).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      EXPECT_EQ(nlohmann::json::parse(dumped).get<ConversationState>().node, r.state.node);
    }
  }
}

TEST(Adversarial, AStoredStateOfTheWrongShapeStartsOver) {
  const auto set = search_set();
  ASSERT_TRUE(set);
  for (const char* text :
       {R"({"flow": 7, "node": [], "stack": "x"})", R"([1, 2, 3])",
        R"({"flow": "answers", "node": "topics", "waiting": true, "history": [7, {"flow": 1}],
            "offers": "nope", "vars": {"a": {"b": [1]}}, "contact": []})"}) {
    ConversationState s;
    try {
      s = nlohmann::json::parse(text).get<ConversationState>();
    } catch (const nlohmann::json::exception&) {
      s = {};  // what the server does with a state it cannot read
    }
    const StepResult r = step(*set, s, text_event("ciao"), {});
    EXPECT_FALSE(r.replies.empty()) << text;
  }
}

TEST(Adversarial, ADeeplyNestedTestFileIsAFailureNotACrash) {
  const auto set = search_set();
  ASSERT_TRUE(set);
  const std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
  const auto r = run_conversation_tests(*set, nested, "deep.json");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace ponte::engine::testing
