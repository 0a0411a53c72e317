// Free-text search ranking as a table (data/flows_search/ranking.json): a
// question people really type, in its language, and the answer that must
// come first (null: nothing relevant, so an operator is offered). Plus the
// tokenizer and the index's edge cases.
#include "bot/engine/flow_model.hpp"
#include "bot/engine/text_match.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace ponte::engine::testing {
namespace {

using nlohmann::json;

std::shared_ptr<const FlowSet> search_set() {
  static const auto set = load_set(test_data() / "flows_search");
  return set;
}

TEST(SearchRanking, EveryQuestionFindsItsAnswerFirst) {
  const auto set = search_set();
  ASSERT_TRUE(set);
  ASSERT_EQ(set->answers.size(), 12U);
  std::ifstream in(test_data() / "flows_search" / "ranking.json");
  const json table = json::parse(in);
  std::set<std::string> languages;
  for (const auto& row : table) {
    const std::string lang = row.at("lang");
    const std::string q = row.at("q");
    languages.insert(lang);
    const int li = set->language_index(lang);
    ASSERT_GE(li, 0) << lang;
    const auto hits = set->search[static_cast<std::size_t>(li)].query(normalize(q), 3);
    SCOPED_TRACE(lang + ": " + q);
    if (row.at("first").is_null()) {
      EXPECT_TRUE(hits.empty()) << "first: " << set->answers[hits.front().doc].node;
      continue;
    }
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(set->answers[hits.front().doc].node, row.at("first").get<std::string>());
    EXPECT_LE(hits.size(), 3U);
  }
  EXPECT_EQ(languages, (std::set<std::string>{"it", "en", "fr", "ar"}));
}

TEST(SearchTokens, WordBreakDropsPunctuationAndSplitsElisions) {
  const auto words = word_tokens(normalize("L'ospedale, dov'è? Via Roma 12!"));
  const std::vector<std::u32string> expect = {U"l",   U"ospedale", U"dov", U"e",
                                              U"via", U"roma",     U"12"};
  EXPECT_EQ(words, expect);
}

TEST(SearchTokens, DigitsOfEveryScriptAreOneDigit) {
  EXPECT_EQ(word_tokens(normalize("١١٢")), std::vector<std::u32string>{U"112"});
  EXPECT_EQ(word_tokens(normalize("۱۱۸")), std::vector<std::u32string>{U"118"});
}

TEST(SearchIndexTest, StopWordsAloneFindNothing) {
  SearchIndex index;
  index.set_stop_words({U"the", U"of"});
  index.add(0, normalize("the renewal of the permit"));
  index.add(1, normalize("the doctor"));
  index.build();
  EXPECT_TRUE(index.query(normalize("of the"), 3).empty());
  ASSERT_EQ(index.query(normalize("doctor"), 3).size(), 1U);
  EXPECT_EQ(index.query(normalize("doctor"), 3)[0].doc, 1U);
}

// A misspelling is looked for only when no answer has the word itself, so
// "permesso" does not also drag in every "permessi".
TEST(SearchIndexTest, MisspellingsOnlyForUnknownWords) {
  SearchIndex index;
  index.add(7, normalize("permesso di soggiorno"));
  index.add(9, normalize("permessi e documenti"));
  index.build();
  auto hits = index.query(normalize("permesso"), 3);
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].doc, 7U);
  hits = index.query(normalize("permeso"), 3);  // one letter missing
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].doc, 7U);
  EXPECT_TRUE(index.query(normalize("permx"), 3).empty());  // short words need to be exact
}

// Arabic joins the article and some particles to the word: "السكن الشعبي"
// (public housing) must be found by "سكن شعبي", "بالسكن" or "للسكن", and the
// end spellings people mix (ة/ه, ى/ي) must not matter.
TEST(SearchIndexTest, ArabicArticleAndEndSpellingsDoNotMatter) {
  SearchIndex index;
  index.add(1, normalize("كيف أطلب السكن الشعبي"));
  index.add(2, normalize("المدرسة والدورات"));
  index.add(3, normalize("الى المستشفى"));
  index.build();
  for (const char* q : {"سكن شعبي", "بالسكن", "للسكن", "والسكن"}) {
    const auto hits = index.query(normalize(q), 3);
    ASSERT_EQ(hits.size(), 1U) << q;
    EXPECT_EQ(hits[0].doc, 1U) << q;
  }
  auto hits = index.query(normalize("مدرسه"), 3);  // haa for taa marbuta
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].doc, 2U);
  hits = index.query(normalize("مستشفي"), 3);  // yaa for alef maksura
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].doc, 3U);
  // With the article it is a noun: "القدم" (the foot) is not the verb "قدم"
  // (submit), which needs no article to be found.
  SearchIndex verbs;
  verbs.add(4, normalize("قدم الطلب"));
  verbs.build();
  EXPECT_TRUE(verbs.query(normalize("كرة القدم"), 3).empty());
  EXPECT_EQ(verbs.query(normalize("قدم"), 3).size(), 1U);
  // Short words keep their first letters: "الى" is not "ى".
  EXPECT_EQ(word_tokens(normalize("الى")).size(), 1U);
  EXPECT_TRUE(index.query(normalize("ى"), 3).empty());
}

TEST(SearchIndexTest, AtMostLimitBestFirst) {
  SearchIndex index;
  for (std::size_t i = 0; i < 6; ++i) {
    index.add(i, normalize(i == 0 ? "casa casa casa" : "casa e altro"));
  }
  index.build();
  const auto hits = index.query(normalize("casa"), 3);
  ASSERT_EQ(hits.size(), 3U);
  EXPECT_EQ(hits[0].doc, 0U);  // the answer that says it three times
  EXPECT_GE(hits[1].score, hits[2].score);
}

TEST(SearchIndexTest, EmptyIndexAndHostileQueriesAreSafe) {
  SearchIndex empty;
  empty.build();
  EXPECT_TRUE(empty.query(normalize("anything"), 3).empty());
  const auto set = search_set();
  ASSERT_TRUE(set);
  const std::string huge(200'000, 'a');
  EXPECT_TRUE(set->search[0].query(normalize(huge), 3).empty());
  EXPECT_TRUE(set->search[0].query(normalize("\xff\xfe\x01\x02 permesso"), 3).size() <= 3);
  EXPECT_TRUE(set->search[0].query(U"", 3).empty());
}

}  // namespace
}  // namespace ponte::engine::testing
