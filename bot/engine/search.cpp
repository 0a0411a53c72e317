// Free-text search (see search.hpp). Scores are BM25; a misspelt query word
// counts at kTypoWeight of an exact one, so an exact match always wins.
#include "bot/engine/search.hpp"

#include "bot/engine/text_match.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace ponte::engine {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kTypoWeight = 0.6;
constexpr double kMinShareOfBest = 0.25;

// One word iterator per thread: building one costs far more than a query.
icu::BreakIterator* word_breaker() {
  thread_local const std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(b) : nullptr;
  }();
  return it.get();
}

bool is_apostrophe(char32_t c) { return c == U'\'' || c == U'\u2019' || c == U'\u02bc'; }

// Digits of every script are one digit: "١١٢" finds "112".
char32_t fold_digit(char32_t c) {
  if (c < 0x80) return c;
  const int32_t value = u_charDigitValue(static_cast<UChar32>(c));
  return value >= 0 && value <= 9 ? static_cast<char32_t>(U'0' + value) : c;
}

void push_word(std::vector<std::u32string>& out, std::u32string word) {
  for (char32_t& c : word) c = fold_digit(c);
  std::size_t start = 0;
  for (std::size_t i = 0; i <= word.size(); ++i) {
    if (i < word.size() && !is_apostrophe(word[i])) continue;
    if (i > start) out.emplace_back(word.substr(start, i - start));
    start = i + 1;
  }
}

bool is_arabic_letter(char32_t c) { return c >= 0x0621 && c <= 0x064A; }

// Marks an Arabic term that had the article: "القدم" (the foot) is
// indexed as kArticle + "قدم", apart from the verb "قدم" (submit).
constexpr char32_t kArticle = U'\u0001';

// Arabic light stemming, for search only. The article, and the particles
// written joined to it ("السكن", "بالسكن", "للسكن"), become kArticle before
// the stem; the two spellings people mix at a word's end (ة/ه, ى/ي) become
// one. At least two letters must remain: "الى" is left alone.
void arabic_light_stem(std::u32string& w) {
  if (w.empty() || !is_arabic_letter(w.front())) return;
  if (w.back() == U'\u0629') {
    w.back() = U'\u0647';  // taa marbuta -> haa
  } else if (w.back() == U'\u0649') {
    w.back() = U'\u064A';  // alef maksura -> yaa
  }
  static constexpr std::u32string_view kPrefixes[] = {U"\u0648\u0627\u0644", U"\u0628\u0627\u0644",
                                                      U"\u0643\u0627\u0644", U"\u0641\u0627\u0644",
                                                      U"\u0644\u0644",       U"\u0627\u0644"};
  for (const auto prefix : kPrefixes) {
    if (w.size() >= prefix.size() + 2 && std::u32string_view(w).starts_with(prefix)) {
      w.replace(0, prefix.size(), 1, kArticle);
      return;
    }
  }
}

}  // namespace

std::vector<std::u32string> word_tokens(std::u32string_view normalized) {
  std::vector<std::u32string> out;
  icu::BreakIterator* breaker = word_breaker();
  if (breaker == nullptr) {  // ICU without break data: split on non-letters
    std::u32string word;
    for (const char32_t c : normalized) {
      if (u_isalnum(static_cast<UChar32>(c)) || is_apostrophe(c)) {
        word.push_back(c);
      } else if (!word.empty()) {
        push_word(out, word);
        word.clear();
      }
    }
    if (!word.empty()) push_word(out, word);
    return out;
  }
  const icu::UnicodeString text = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(normalized.data()), static_cast<int32_t>(normalized.size()));
  breaker->setText(text);
  std::u32string word;
  for (int32_t start = breaker->first(), end = breaker->next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker->next()) {
    if (breaker->getRuleStatus() == UBRK_WORD_NONE) continue;
    word.clear();
    for (int32_t i = start; i < end;) {
      const UChar32 c = text.char32At(i);
      i += U16_LENGTH(c);
      word.push_back(static_cast<char32_t>(c));
    }
    push_word(out, word);
  }
  return out;
}

void SearchIndex::set_stop_words(std::vector<std::u32string> words) {
  stop_.clear();
  for (auto& w : words) stop_.insert(std::move(w));
}

std::vector<std::u32string> SearchIndex::terms(std::u32string_view normalized) const {
  std::vector<std::u32string> words = word_tokens(normalized);
  std::erase_if(words, [this](const std::u32string& w) { return stop_.count(w) != 0; });
  for (auto& w : words) arabic_light_stem(w);
  return words;
}

void SearchIndex::add(std::size_t doc, std::u32string_view normalized) {
  const auto words = terms(normalized);
  const auto index = static_cast<std::uint32_t>(docs_.size());
  docs_.push_back(Doc{doc, static_cast<std::uint32_t>(words.size())});
  for (const auto& w : words) {
    auto& list = postings_[w];
    if (!list.empty() && list.back().doc == index) {
      ++list.back().tf;
    } else {
      list.push_back(Posting{index, 1});
    }
  }
}

void SearchIndex::build() {
  double total = 0;
  for (const auto& d : docs_) total += d.length;
  average_length_ = docs_.empty() || total == 0 ? 1 : total / static_cast<double>(docs_.size());
  vocabulary_.clear();
  for (const auto& [term, list] : postings_) {
    if (letter_count(term) >= 5) vocabulary_.push_back(&term);
  }
}

std::vector<SearchIndex::Hit> SearchIndex::query(std::u32string_view normalized,
                                                 std::size_t limit) const {
  std::vector<double> scores(docs_.size(), 0.0);
  const double n = static_cast<double>(docs_.size());
  auto add_term = [&](const std::vector<Posting>& list, double weight) {
    const double df = static_cast<double>(list.size());
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const auto& p : list) {
      const double tf = p.tf;
      const double norm = kK1 * (1 - kB + kB * docs_[p.doc].length / average_length_);
      scores[p.doc] += weight * idf * tf * (kK1 + 1) / (tf + norm);
    }
  };
  auto words = terms(normalized);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  for (const auto& w : words) {
    bool found = false;
    if (const auto it = postings_.find(w); it != postings_.end()) {
      add_term(it->second, 1.0);
      found = true;
    }
    // An Arabic word asked without the article also finds it with one
    // ("سكن شعبي" finds "السكن الشعبي"); not the other way round.
    if (!w.empty() && is_arabic_letter(w.front())) {
      if (const auto it = postings_.find(kArticle + w); it != postings_.end()) {
        add_term(it->second, 1.0);
        found = true;
      }
    }
    if (found || letter_count(w) < 5) continue;
    for (const std::u32string* term : vocabulary_) {
      if (within_one_edit(w, *term)) add_term(postings_.at(*term), kTypoWeight);
    }
  }
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > 0) hits.push_back(Hit{docs_[i].id, scores[i]});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.doc < b.doc;
  });
  if (!hits.empty()) {
    const double floor = hits.front().score * kMinShareOfBest;
    std::erase_if(hits, [floor](const Hit& h) { return h.score < floor; });
  }
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace ponte::engine
