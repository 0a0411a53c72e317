// Answer matching as a table: one row per typed input.
#include "bot/engine/text_match.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

namespace ponte::engine {
namespace {

constexpr std::size_t kNoMatch = 99;

struct Row {
  const char* input;
  std::vector<const char*> labels;
  std::size_t expected;  // index, or kNoMatch
};

const std::vector<const char*> kItalian = {"Casa", "Salute", "Parlare con un operatore"};
const std::vector<const char*> kArabic = {"تصريح الإقامة", "الصحة", "التحدث مع موظف"};
const std::vector<const char*> kFrench = {"Titre de séjour", "Santé", "Parler à un opérateur"};

class Matching : public ::testing::TestWithParam<Row> {};

TEST_P(Matching, PicksTheExpectedChoice) {
  const Row& row = GetParam();
  std::vector<std::u32string> normalized;
  for (const char* l : row.labels) normalized.push_back(normalize(l));
  const std::vector<std::u32string_view> views(normalized.begin(), normalized.end());
  const auto got = match_choice(normalize(row.input), views);
  EXPECT_EQ(got.value_or(kNoMatch), row.expected) << row.input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Matching,
    ::testing::Values(
        Row{"2", kItalian, 1}, Row{" 3 ", kItalian, 2}, Row{"٢", kArabic, 1}, Row{"۳", kArabic, 2},
        Row{"4", kItalian, kNoMatch}, Row{"0", kItalian, kNoMatch}, Row{"salute", kItalian, 1},
        Row{"SALUTE!", kItalian, 1}, Row{"parlare  con un\toperatore", kItalian, 2},
        Row{"sante", kFrench, 1}, Row{"titre de sejour", kFrench, 0}, Row{"salte", kItalian, 1},
        Row{"slaute", kItalian, 1}, Row{"saluute", kItalian, 1}, Row{"sanet", kFrench, 1},
        Row{"cas", kItalian, kNoMatch}, Row{"csa", kItalian, kNoMatch}, Row{"الصحّة", kArabic, 1},
        Row{"الصحـة", kArabic, 1}, Row{"xyz", kItalian, kNoMatch}, Row{"", kItalian, kNoMatch},
        Row{"salutare", kItalian, kNoMatch}));

TEST(Matching, AmbiguousMisspellingPicksNothing) {
  const std::vector<std::u32string> labels = {normalize("lavoro"), normalize("lavori")};
  const std::vector<std::u32string_view> views(labels.begin(), labels.end());
  EXPECT_FALSE(match_choice(normalize("lavor"), views));
  EXPECT_EQ(match_choice(normalize("lavori"), views), std::optional<std::size_t>(1));
}

TEST(Matching, WithinOneEditIsDamerauLevenshtein) {
  EXPECT_TRUE(within_one_edit(U"salute", U"slaute"));   // swap
  EXPECT_TRUE(within_one_edit(U"salute", U"salut"));    // deletion
  EXPECT_TRUE(within_one_edit(U"salute", U"salutes"));  // insertion
  EXPECT_TRUE(within_one_edit(U"salute", U"salite"));   // substitution
  EXPECT_FALSE(within_one_edit(U"salute", U"sluate"));
  EXPECT_FALSE(within_one_edit(U"salute", U"saluteee"));
  EXPECT_EQ(edit_distance("ask_citty", "ask_city"), 1U);
}

}  // namespace
}  // namespace ponte::engine
