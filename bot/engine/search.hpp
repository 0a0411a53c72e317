// Free-text search over the answers of searchable flows: when a message is
// no choice, trigger or command, the person probably asked a question in
// their own words. Each language has its own BM25 index (k1 = 1.2,
// b = 0.75) over ICU word-break tokens of normalised text (text_match.hpp:
// case folded, accents removed), without the language's stop words, Arabic
// words lightly stemmed (the article and joined particles). A query
// word of 5+ letters that no answer contains also matches the answer words
// one typo away, at a lower weight, so "permeso" still finds "permesso".
// Built once per FlowSet at load time; query() is const and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ponte::engine {

// The words of a normalised text, as ICU's word break iterator finds them
// (letters and digits; punctuation and spaces dropped). Elisions are split
// at the apostrophe ("l'ospedale" -> "l", "ospedale").
std::vector<std::u32string> word_tokens(std::u32string_view normalized);

class SearchIndex {
 public:
  struct Hit {
    std::size_t doc = 0;  // as passed to add()
    double score = 0;
  };

  void set_stop_words(std::vector<std::u32string> words);
  // Adds document `doc` (ids need not be dense) with its normalised text.
  void add(std::size_t doc, std::u32string_view normalized);
  // Finishes the index: call once after the last add().
  void build();

  // The best `limit` documents for a normalised query, best first. Only
  // documents sharing a word (or a close misspelling of one) with the query
  // are returned, and none scoring under a quarter of the best one.
  std::vector<Hit> query(std::u32string_view normalized, std::size_t limit) const;

  std::size_t size() const { return docs_.size(); }

 private:
  struct Posting {
    std::uint32_t doc;  // index into docs_
    std::uint32_t tf;
  };
  struct Doc {
    std::size_t id;
    std::uint32_t length;
  };
  std::vector<std::u32string> terms(std::u32string_view normalized) const;

  std::unordered_set<std::u32string> stop_;
  std::vector<Doc> docs_;
  std::unordered_map<std::u32string, std::vector<Posting>> postings_;
  std::vector<const std::u32string*> vocabulary_;  // for misspellings
  double average_length_ = 1;
};

}  // namespace ponte::engine
