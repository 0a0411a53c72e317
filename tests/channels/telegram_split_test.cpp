// Long replies split under Telegram's 4096 limit, at the nicest boundary,
// never inside a UTF-8 sequence or a grapheme cluster.
#include "bot/channels/telegram/telegram.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace ponte::channels::telegram {
namespace {

// Independent of ICU on purpose: decodes UTF-8 by hand.
std::optional<std::size_t> utf16_units(std::string_view s) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return std::nullopt;
    }
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Every part fits and is valid UTF-8; the original is the parts in order
// with only whitespace between them; choices are on the last part only.
void expect_valid_split(const OutboundMessage& original,
                        const std::vector<OutboundMessage>& parts) {
  ASSERT_FALSE(parts.empty());
  std::size_t pos = 0;
  const std::string& text = original.text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    const auto units = utf16_units(part.text);
    ASSERT_TRUE(units.has_value()) << "part " << i << " is not valid UTF-8";
    EXPECT_LE(*units, 4096u) << "part " << i;
    EXPECT_LE(*units, 4000u) << "part " << i << " ignores the margin";
    EXPECT_FALSE(part.text.empty()) << "part " << i;
    while (i > 0 && pos < text.size() && is_space(text[pos])) ++pos;
    ASSERT_EQ(text.compare(pos, part.text.size(), part.text), 0) << "part " << i << " at " << pos;
    pos += part.text.size();
    EXPECT_EQ(part.lang, original.lang);
    EXPECT_EQ(part.rtl, original.rtl);
    if (i + 1 < parts.size()) {
      EXPECT_TRUE(part.choices.empty()) << "choices on part " << i;
    } else {
      ASSERT_EQ(part.choices.size(), original.choices.size());
      EXPECT_EQ(part.choice_token, original.choice_token);
    }
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  EXPECT_EQ(pos, text.size());
}

OutboundMessage with_text(std::string text, std::string lang = "it") {
  OutboundMessage m;
  m.text = std::move(text);
  m.lang = std::move(lang);
  m.choice_token = "t1";
  m.choices = {{"yes", "Sì"}, {"no", "No"}};
  return m;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(TelegramSplit, ShortMessageIsOnePartUnchanged) {
  const auto m = with_text("Ciao! Come posso aiutarti?");
  const auto parts = split(m);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, m.text);
  EXPECT_EQ(parts[0].choices.size(), 2u);
}

TEST(TelegramSplit, LimitIsCountedInUtf16Units) {
  EXPECT_EQ(split(with_text(std::string(4000, 'a'))).size(), 1u);
  EXPECT_EQ(split(with_text(std::string(4001, 'a'))).size(), 2u);
  // 2100 emoji are 2100 code points but 4200 UTF-16 units.
  const auto m = with_text(repeat("😀", 2100));
  const auto parts = split(m);
  ASSERT_EQ(parts.size(), 2u);
  expect_valid_split(m, parts);
  EXPECT_EQ(parts[0].text.size(), 4u * 2000);  // 4000 units exactly
}

TEST(TelegramSplit, LongArabicTextCutsAtSentenceEnds) {
  const auto m = with_text(repeat("هل تحتاج إلى تجديد تصريح الإقامة في إيطاليا؟ "
                                  "يمكنك أن تسأل في مكتب البلدية أو في مركز الشرطة. ",
                                  150),
                           "ar");
  auto rtl = m;
  rtl.rtl = true;
  const auto parts = split(rtl);
  ASSERT_GE(parts.size(), 3u);
  expect_valid_split(rtl, parts);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto& t = parts[i].text;
    const bool sentence_end = t.ends_with(".") || t.ends_with("؟");
    EXPECT_TRUE(sentence_end) << "part " << i << " ends mid-sentence: ..."
                              << t.substr(t.size() - 30);
  }
}

TEST(TelegramSplit, ParagraphsBeatSentences) {
  const std::string paragraph = repeat("Una frase di prova. ", 60) + "Fine.";  // ~1205 units
  const auto m = with_text(repeat(paragraph + "\n\n", 9) + paragraph);
  const auto parts = split(m);
  expect_valid_split(m, parts);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_TRUE(parts[i].text.ends_with("Fine.")) << "part " << i;
    EXPECT_TRUE(parts[i + 1].text.starts_with("Una frase")) << "part " << i + 1;
  }
}

TEST(TelegramSplit, LinesBeatSentences) {
  const std::string line = repeat("Riga di testo. ", 20) + "Ultima";  // ~306 units
  const auto m = with_text(repeat(line + "\n", 30) + line);
  const auto parts = split(m);
  ASSERT_GE(parts.size(), 2u);
  expect_valid_split(m, parts);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_TRUE(parts[i].text.ends_with("Ultima")) << "part " << i;
  }
}

TEST(TelegramSplit, AnEarlyBlankLineDoesNotMakeATinyPart) {
  const auto m = with_text("Titolo\n\n" + repeat("Una frase di prova. ", 300));
  const auto parts = split(m);
  expect_valid_split(m, parts);
  EXPECT_GT(parts[0].text.size(), 2000u);
}

TEST(TelegramSplit, WordsWhenThereAreNoSentences) {
  const auto m = with_text(repeat("parola ", 1200));
  const auto parts = split(m);
  expect_valid_split(m, parts);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_TRUE(parts[i].text.ends_with("parola")) << "part " << i;
  }
}

TEST(TelegramSplit, EmojiZwjSequencesStayWhole) {
  const std::string family = "👩‍👩‍👧‍👦";  // 11 UTF-16 units, one grapheme
  const std::string wave = "👋🏽";                     // with a skin tone modifier
  const std::string unit = family + wave;                  // 15 units
  const auto m = with_text(repeat(unit, 700));
  const auto parts = split(m);
  ASSERT_GE(parts.size(), 3u);
  expect_valid_split(m, parts);
  for (const auto& p : parts) {
    // Whole graphemes only: every part starts with a family and is made of
    // whole families and waves.
    EXPECT_TRUE(p.text.starts_with(family));
    EXPECT_TRUE(p.text.ends_with(family) || p.text.ends_with(wave));
  }
}

TEST(TelegramSplit, AHugeWordIsCutAtGraphemes) {
  const auto m = with_text(std::string(5000, 'x'));
  const auto parts = split(m);
  ASSERT_EQ(parts.size(), 2u);
  expect_valid_split(m, parts);
  EXPECT_EQ(parts[0].text.size(), 4000u);
  EXPECT_EQ(parts[1].text.size(), 1000u);
}

TEST(TelegramSplit, CombiningMarksStayWithTheirBase) {
  const std::string e_acute = "e\xCC\x81";          // e + U+0301: two code points, one grapheme
  const auto m = with_text(repeat(e_acute, 2500));  // 5000 units, no word break
  const auto parts = split(m);
  ASSERT_EQ(parts.size(), 2u);
  expect_valid_split(m, parts);
  for (const auto& p : parts) {
    EXPECT_TRUE(p.text.starts_with("e"));
    EXPECT_TRUE(p.text.ends_with("\xCC\x81"));
  }
}

TEST(TelegramSplit, OneEnormousGraphemeStillFits) {
  const auto m = with_text("a" + repeat("\xCC\x81", 9000));
  const auto parts = split(m);
  ASSERT_GE(parts.size(), 3u);
  expect_valid_split(m, parts);
}

TEST(TelegramSplit, HintsAreKeptOnEveryPart) {
  auto m = with_text(std::string(9000, 'a'));
  m.urgent = true;
  m.sensitive = true;
  for (const auto& p : split(m)) {
    EXPECT_TRUE(p.urgent);
    EXPECT_TRUE(p.sensitive);
  }
}

TEST(TelegramSplit, AckIsNeverSplit) {
  OutboundMessage m;
  m.ack_callback_id = "q1";
  const auto parts = split(m);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].ack_callback_id, "q1");
}

}  // namespace
}  // namespace ponte::channels::telegram
