// The help line's content under flows/ and locales/: it loads cleanly, every
// text is translated and short, and whole conversations work end to end: in
// Arabic from the language choice to a screened case, and an alarm word that
// interrupts a question and brings the emergency numbers first.
#include "bot/engine/flow_model.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

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
      if (entry.own[i] != nullptr) {  // characters, as people read them, not bytes
        const std::string& text = entry.own[i]->pattern;
        const auto chars = std::count_if(text.begin(), text.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
        });
        EXPECT_LE(chars, 700) << key << " (" << set->languages[i].code << ")";
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

TEST(Bundled, ArabicDialogueFromLanguageToScreenedCase) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  ConversationState state;

  InboundEvent hello = text_event("مرحبا");  // no hint: Italian until chosen
  StepResult r = run(*set, state, hello);
  ASSERT_EQ(r.replies.size(), 1U);
  ASSERT_EQ(r.replies[0].choices.size(), 5U);
  EXPECT_EQ(r.replies[0].choices[3].id, "ar");
  EXPECT_EQ(r.replies[0].choices[3].label, "العربية");
  EXPECT_NE(r.replies[0].text.find("اختر لغتك"), std::string::npos);  // readable before choosing
  EXPECT_EQ(r.replies[0].choice_token.size(), 8U);

  r = run(*set, state, choice_event(r.replies[0].choice_token, "ar"));
  EXPECT_EQ(state.contact.at("language"), "ar");
  ASSERT_EQ(r.replies.size(), 3U);  // welcome, privacy notice, then the main menu
  for (const auto& m : r.replies) {
    EXPECT_EQ(m.lang, "ar");
    EXPECT_TRUE(m.rtl);
  }
  EXPECT_NE(r.replies[1].text.find("«امسح»"), std::string::npos);  // how to erase
  EXPECT_EQ(r.replies[2].text, "ماذا تحتاج؟ اختر رقمًا أو اكتب سؤالك.");
  ASSERT_EQ(r.replies[2].choices.size(), 8U);
  EXPECT_EQ(r.replies[2].choices[0].label, "🆘 مساعدة عاجلة");  // urgent help first
  EXPECT_EQ(state.flow, "main");
  EXPECT_TRUE(state.waiting);

  r = run(*set, state, text_event("٢"));  // Arabic-Indic 2: documents
  ASSERT_EQ(r.replies.size(), 1U);
  EXPECT_EQ(r.replies[0].choices[0].label, "تصريح الإقامة");
  r = run(*set, state, text_event("١"));  // residence permit
  EXPECT_EQ(state.flow, "permit");
  r = run(*set, state, text_event("٣"));  // renewal
  r = run(*set, state, text_event("١"));  // when
  ASSERT_EQ(r.replies.size(), 2U);
  EXPECT_NE(r.replies[0].text.find("60"), std::string::npos);
  EXPECT_TRUE(r.replies[0].rtl);
  EXPECT_EQ(r.replies[1].choices.size(), 7U);  // back at the renewal menu

  r = run(*set, state, text_event("موظف"));  // operator keyword: consent first
  ASSERT_EQ(r.replies.size(), 2U);
  EXPECT_EQ(r.replies[0].text, "حسنًا، سأحوّلك إلى شخص من فريقنا.");
  ASSERT_EQ(r.replies[1].choices.size(), 3U);
  EXPECT_TRUE(r.effects.empty());
  r = run(*set, state, choice_event(r.replies[1].choice_token, "yes"));
  EXPECT_EQ(state.contact.at("consent"), "yes");
  ASSERT_EQ(r.replies.size(), 3U);        // thanks, the screening's intro, its first question
  r = run(*set, state, text_event("١"));  // need: residence permit
  r = run(*set, state, text_event("٢"));  // permit: being renewed
  r = run(*set, state, text_event("٣"));  // in Italy 1 to 5 years
  r = run(*set, state, text_event("تورينو"));
  r = run(*set, state, text_event("١"));  // urgent: today
  ASSERT_EQ(r.replies.size(), 1U);
  ASSERT_EQ(r.replies[0].choices.size(), 1U);  // the skip button
  r = run(*set, state, choice_event(r.replies[0].choice_token, r.replies[0].choices[0].id));
  ASSERT_EQ(r.effects.size(), 1U);
  const auto& h = std::get<Handoff>(r.effects[0]);
  EXPECT_EQ(h.topic, "permit");
  EXPECT_EQ(h.priority, Priority::high);  // help needed today
  EXPECT_EQ(h.text_key, "operator.queued");
  EXPECT_EQ(h.lang, "ar");
  // The operators' summary, in Italian, with every answer and a dash for the skipped one.
  EXPECT_EQ(h.summary,
            "Bisogno: permesso di soggiorno. Permesso: in rinnovo (ricevuta). In Italia da: 1–5 "
            "anni. Comune: تورينو. Urgenza: oggi. Da sapere: —.");
  EXPECT_EQ(state.contact.at("municipality"), "تورينو");
  EXPECT_EQ(state.vars.count("vulnerabilities"), 0U);
  EXPECT_TRUE(state.ended);
  EXPECT_TRUE(r.notes.empty());
}

TEST(Bundled, AlarmWordInterruptsAQuestionWithTheNumbersFirst) {
  const auto set = bundled();
  ASSERT_TRUE(set);
  ConversationState state;
  state.contact["language"] = "it";
  state.contact["consent"] = "yes";
  run(*set, state, text_event("ciao"));  // a new conversation starts at the language choice
  run(*set, state, text_event("operatore"));
  run(*set, state, text_event("4"));  // need: housing
  run(*set, state, text_event("5"));  // no permit
  run(*set, state, text_event("1"));  // less than 3 months
  ASSERT_EQ(state.node, "municipality");
  const StepResult r = run(*set, state, text_event("il padrone mi picchia"));
  ASSERT_GE(r.replies.size(), 2U);
  for (const char* number : {"112", "800 290 290", "1522", "118"}) {
    EXPECT_NE(r.replies[0].text.find(number), std::string::npos) << number;  // at once, no question
  }
  EXPECT_NE(r.replies[1].text.find("1522.eu"), std::string::npos);  // when 800 numbers fail
  ASSERT_EQ(r.effects.size(), 1U);
  const auto& h = std::get<Handoff>(r.effects[0]);
  EXPECT_EQ(h.topic, "urgent");
  EXPECT_EQ(h.priority, Priority::urgent);
  EXPECT_EQ(h.summary.rfind("URGENTE", 0), 0U);
  EXPECT_EQ(state.flow, "urgent");
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
  EXPECT_EQ(state.contact.at("welcomed"), "yes");
  const StepResult r = run(*set, state, text_event("langue"));
  EXPECT_EQ(state.flow, "welcome");
  EXPECT_EQ(state.node, "choose_language");
  ASSERT_EQ(r.replies.size(), 1U);
  EXPECT_EQ(r.replies[0].text.substr(0, r.replies[0].text.find('\n')),
            "Hola, soy Ponte. Elige tu idioma.");
}

}  // namespace
}  // namespace ponte::engine::testing
