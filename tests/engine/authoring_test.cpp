// The author tools on a loaded set: conversation tests (a pass, a failure
// with its diff, a malformed file), translation coverage, and the flow
// graph; plus the bundled flows' own conversation tests.
#include "bot/engine/authoring.hpp"
#include "bot/engine/conversation_tests.hpp"
#include "engine_test_support.hpp"

namespace ponte::engine::testing {
namespace {

std::shared_ptr<const FlowSet> basic() {
  static const auto set = load_set(test_data() / "flows_basic");
  return set;
}

TEST(ConversationTests, APassingTest) {
  const auto r = run_conversation_tests(*basic(), R"([{"name": "housing", "lang": "en",
    "flow": "menu", "steps": [
      {"send": "housing", "expect": [{"text": "Housing: here is who to ask."},
                                     {"key": "menu.ask", "choices": ["Housing", "Health",
                                      "English", "Help", "Only help", "Operator", "Bye"]}],
       "effects": [], "at": "menu/ask_topic"},
      {"press": "operator", "expect": [{"contains": "passing you"}, {"text": "Goodbye."}],
       "effects": ["handoff"]}]}])",
                                        "t.json");
  EXPECT_EQ(r.passed, 1U) << r.output;
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.output, "ok   t.json: housing\n");
}

TEST(ConversationTests, AFailureShowsExpectedAndGot) {
  const auto r = run_conversation_tests(*basic(), R"([{"name": "wrong", "lang": "en",
    "flow": "menu", "steps": [
      {"send": "housing", "expect": [{"key": "menu.health_info"}]}]}])",
                                        "t.json");
  EXPECT_EQ(r.failed, 1U);
  EXPECT_EQ(r.output,
            "FAIL t.json: wrong\n"
            "  step 1 (send \"housing\"):\n"
            "  expected:\n"
            "  - 1. [menu.health_info] \"Salute: vai all'ASL.\"\n"
            "  got:\n"
            "  + 1. \"Housing: here is who to ask.\"\n"
            "  + 2. \"What do you need?\" [Housing | Health | English | Help | Only help | "
            "Operator | Bye]\n");
}

TEST(ConversationTests, WrongEffectsAndPlaceAreReported) {
  const auto r = run_conversation_tests(*basic(), R"([{"name": "x", "lang": "en", "flow": "menu",
    "steps": [{"send": "health", "effects": ["handoff"], "at": "menu/bye"}]}])",
                                        "t.json");
  EXPECT_EQ(r.failed, 1U);
  EXPECT_NE(r.output.find("effects: expected [\"handoff\"], got []"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("at: expected menu/bye, got menu/ask_topic"), std::string::npos)
      << r.output;
}

TEST(ConversationTests, MalformedFilesAreFailuresNotCrashes) {
  EXPECT_NE(run_conversation_tests(*basic(), "[{", "a.json").output.find("FAIL a.json: not valid"),
            std::string::npos);
  EXPECT_FALSE(run_conversation_tests(*basic(), "{}", "b.json").ok());
  const auto r = run_conversation_tests(
      *basic(), R"([7, {"steps": [{"sned": "x"}]}, {"flow": "nope", "steps": []},
                    {"steps": [{"send": 5}]}])",
      "c.json");
  EXPECT_EQ(r.failed, 4U) << r.output;
  EXPECT_NE(r.output.find("a step needs \"send\", \"press\" or \"media\""), std::string::npos);
  EXPECT_NE(r.output.find("no flow \"nope\""), std::string::npos);
}

TEST(ConversationTests, TheBundledFlowsPassTheirOwnTests) {
  const auto set = load_set(source_dir());
  ASSERT_TRUE(set);
  const auto r = run_conversation_tests(*set, source_dir() / "flows" / "tests");
  EXPECT_GE(r.files, 3U);
  EXPECT_GE(r.passed, 10U);
  EXPECT_TRUE(r.ok()) << r.output;
}

TEST(Coverage, CountsOwnTextsAndListsTheMissingOnes) {
  const auto c = coverage(*basic());
  ASSERT_EQ(c.size(), 3U);  // it, en, ar
  auto of = [&c](const std::string& lang) {
    return *std::find_if(c.begin(), c.end(), [&](const auto& x) { return x.lang == lang; });
  };
  const auto it = of("it");
  EXPECT_EQ(it.translated, it.total);
  EXPECT_TRUE(it.missing.empty());
  EXPECT_GT(it.total, 10U);
  const auto ar = of("ar");
  EXPECT_EQ(ar.translated + ar.missing.size(), ar.total);
  EXPECT_NE(std::find(ar.missing.begin(), ar.missing.end(), "helper.intro"), ar.missing.end());
  EXPECT_TRUE(std::is_sorted(ar.missing.begin(), ar.missing.end()));
}

TEST(Graph, MermaidHasKindsTextsAndLabelledEdges) {
  const auto g = graph(*basic(), "menu", "en", GraphFormat::mermaid);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->rfind("flowchart TD\n", 0), 0U);
  EXPECT_NE(g->find("n_ask_topic{{\"▶ ask_topic [choice]<br/>What do you need?\"}}"),
            std::string::npos)
      << *g;
  EXPECT_NE(g->find("n_ask_topic -->|\"Housing\"| n_housing_info"), std::string::npos) << *g;
  EXPECT_NE(g->find("n_call_helper -.->|\"call\"| n_flow_helper"), std::string::npos) << *g;
  EXPECT_NE(g->find("n_bye([\"bye [end]<br/>Goodbye.\"])"), std::string::npos) << *g;
  const auto ar = graph(*basic(), "menu", "ar", GraphFormat::mermaid);
  ASSERT_TRUE(ar);
  EXPECT_NE(ar->find("ماذا تحتاج؟"), std::string::npos);
}

TEST(Graph, DotIsGraphviz) {
  const auto g = graph(*basic(), "menu", "it", GraphFormat::dot);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->rfind("digraph \"menu\" {", 0), 0U);
  EXPECT_NE(g->find("\"ask_topic\" -> \"housing_info\" [label="), std::string::npos) << *g;
  // A line break inside a label is DOT's own \n, and quotes are escaped.
  EXPECT_NE(g->find("[label=\"▶ ask_topic [choice]\\n"), std::string::npos) << *g;
  EXPECT_EQ(g->back(), '\n');
  EXPECT_NE(g->find("}\n"), std::string::npos);
  EXPECT_FALSE(graph(*basic(), "nope", "it", GraphFormat::dot));
  EXPECT_FALSE(graph(*basic(), "menu", "xx", GraphFormat::dot));
}

}  // namespace
}  // namespace ponte::engine::testing
