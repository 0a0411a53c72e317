// The demo content under flows/ and locales/: it loads cleanly, every text
// is short, and a whole conversation in Arabic works end to end.
#include "bot/engine/flow_model.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

namespace ponte::engine::testing {
namespace {

std::shared_ptr<const FlowSet> bundled() {
  const LoadReport report = load_flow_set(source_dir() / "flows", source_dir() / "locales");
  for (const auto& p : report.problems) ADD_FAILURE() << to_string(p);  // warnings too
  return report.flows;
}

TEST(Bundled, LoadsWithNoProblems) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  EXPECT_EQ(default_language(*set), "it");
  EXPECT_EQ(languages(*set).size(), 5U);
}

TEST(Bundled, EveryTextIsTranslatedAndShort) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  for (const auto& [key, entry] : set->catalog) {
    for (std::size_t i = 0; i < set->languages.size(); ++i) {
      EXPECT_NE(entry.own[i], nullptr) << key << " has no " << set->languages[i].code << " text";
      if (entry.own[i] != nullptr) {
        EXPECT_LE(entry.own[i]->pattern.size(), 700U) << key;
      }
    }
  }
}

TEST(Bundled, QueuedMessageInEveryLanguage) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  EXPECT_EQ(render(*set, "it", "operator.queued", {{"position", std::int64_t{3}}}),
            "Sei la persona numero 3 in coda. Un operatore ti scriverà qui appena possibile.");
  EXPECT_EQ(render(*set, "en", "operator.queued", {{"position", std::int64_t{1}}}),
            "You are first in the queue. An operator will write to you here as soon as possible.");
  EXPECT_EQ(render(*set, "ar", "operator.queued", {{"position", std::int64_t{4}}}),
            "أنت رقم ٤ في الدور. سيكتب لك موظف هنا في أقرب وقت ممكن.");
  for (const char* lang : {"fr", "es"}) {
    EXPECT_NE(render(*set, lang, "operator.queued", {{"position", std::int64_t{12}}}).find("12"),
              std::string::npos)
        << lang;
  }
}

// Runs one event the way the server does: state through JSON text.
StepResult run(const FlowSet& set, ConversationState& state, const InboundEvent& event) {
  StepResult r = step(set, nlohmann::json::parse(nlohmann::json(state).dump()), event, TimePoint{});
  state = r.state;
  return r;
}

TEST(Bundled, ArabicDialogueFromLanguageToOperator) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  ConversationState state;

  InboundEvent hello = text_event("مرحبا");  // no hint: Italian until chosen
  StepResult r = run(*set, state, hello);
  ASSERT_EQ(r.replies.size(), 1U);
  ASSERT_EQ(r.replies[0].choices.size(), 5U);
  EXPECT_EQ(r.replies[0].choices[3].id, "ar");
  EXPECT_EQ(r.replies[0].choices[3].label, "العربية");
  EXPECT_EQ(r.replies[0].choice_token.size(), 8U);

  r = run(*set, state, choice_event(r.replies[0].choice_token, "ar"));
  EXPECT_EQ(state.contact.at("language"), "ar");
  ASSERT_EQ(r.replies.size(), 2U);  // welcome, then the main menu
  for (const auto& m : r.replies) {
    EXPECT_EQ(m.lang, "ar");
    EXPECT_TRUE(m.rtl);
  }
  EXPECT_EQ(r.replies[1].text, "ماذا تحتاج؟");
  ASSERT_EQ(r.replies[1].choices.size(), 3U);
  EXPECT_EQ(r.replies[1].choices[0].label, "تصريح الإقامة");
  EXPECT_EQ(state.flow, "main");
  EXPECT_TRUE(state.waiting);

  r = run(*set, state, text_event("١"));  // Arabic-Indic 1: residence permit
  ASSERT_EQ(r.replies.size(), 2U);
  EXPECT_NE(r.replies[0].text.find("60"), std::string::npos);
  EXPECT_NE(r.replies[0].text.find("Sportello Amico"), std::string::npos);
  EXPECT_TRUE(r.replies[0].rtl);
  EXPECT_EQ(r.replies[1].choices.size(), 3U);  // back at the menu

  r = run(*set, state, text_event("موظف"));  // operator trigger
  ASSERT_EQ(r.replies.size(), 1U);
  EXPECT_EQ(r.replies[0].text, "حسنًا، سأحوّلك إلى موظف.");
  EXPECT_TRUE(r.replies[0].rtl);
  ASSERT_EQ(r.effects.size(), 1U);
  const auto& h = std::get<Handoff>(r.effects[0]);
  EXPECT_EQ(h.topic, "general");
  EXPECT_EQ(h.priority, Priority::normal);
  EXPECT_EQ(h.text_key, "operator.queued");
  EXPECT_EQ(h.lang, "ar");
  EXPECT_EQ(h.reply_index, 1U);
  EXPECT_TRUE(state.ended);
  EXPECT_TRUE(r.notes.empty());
}

TEST(Bundled, LanguageTriggerWorksFromAnyLanguage) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  ConversationState state;
  state.contact["language"] = "es";
  run(*set, state, text_event("hola"));
  EXPECT_EQ(state.flow, "welcome");
  run(*set, state, text_event("Español"));
  EXPECT_EQ(state.flow, "main");
  const StepResult r = run(*set, state, text_event("langue"));
  EXPECT_EQ(state.flow, "welcome");
  EXPECT_EQ(state.node, "choose_language");
  ASSERT_EQ(r.replies.size(), 1U);
  EXPECT_EQ(r.replies[0].text, "Hola, soy Ponte. Elige tu idioma.");
}

}  // namespace
}  // namespace ponte::engine::testing
