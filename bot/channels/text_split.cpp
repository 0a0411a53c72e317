#include "bot/channels/text_split.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace ponte::channels {
namespace {

icu::UnicodeString to_utf16(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

icu::Locale locale_for(std::string_view lang) {
  if (lang.empty()) return icu::Locale::getRoot();
  UErrorCode status = U_ZERO_ERROR;
  auto locale = icu::Locale::forLanguageTag(
      icu::StringPiece(lang.data(), static_cast<int32_t>(lang.size())), status);
  if (U_FAILURE(status) || locale.isBogus()) return icu::Locale::getRoot();
  return locale;
}

using BreakIteratorPtr = std::unique_ptr<icu::BreakIterator>;

// nullptr when ICU has no data for it; that level is then skipped.
BreakIteratorPtr make_iterator(icu::BreakIterator* (*create)(const icu::Locale&, UErrorCode&),
                               const icu::Locale& locale, const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  BreakIteratorPtr it(create(locale, status));
  if (U_FAILURE(status) || !it) return nullptr;
  it->setText(text);  // keeps a reference: `text` outlives the iterator
  return it;
}

class Splitter {
 public:
  Splitter(const icu::UnicodeString& text, int32_t max, std::string_view lang)
      : text_(text), max_(max) {
    const auto locale = locale_for(lang);
    sentences_ = make_iterator(&icu::BreakIterator::createSentenceInstance, locale, text_);
    words_ = make_iterator(&icu::BreakIterator::createWordInstance, locale, text_);
    graphemes_ = make_iterator(&icu::BreakIterator::createCharacterInstance, locale, text_);
  }

  std::vector<std::string> run() {
    std::vector<std::string> parts;
    const int32_t n = text_.length();
    int32_t start = 0;
    while (n - start > max_) {
      const int32_t cut = find_cut(start, start + max_);
      int32_t end = cut;
      while (end > start && is_space(end - 1)) --end;
      if (end > start) parts.push_back(utf8(start, end));
      start = cut;
      while (start < n && is_space(start)) ++start;
    }
    if (start < n) parts.push_back(utf8(start, n));
    return parts;
  }

 private:
  bool is_space(int32_t i) const { return u_isUWhiteSpace(text_.charAt(i)) != 0; }
  bool is_newline(int32_t i) const { return text_.charAt(i) == u'\n'; }

  // The best cut in (start, limit]: the part [start, cut) fits.
  int32_t find_cut(int32_t start, int32_t limit) {
    const int32_t least = start + max_ / 2;
    for (int32_t i = limit - 1; i >= least; --i) {  // paragraph: a blank line
      if (is_newline(i) && blank_line_before(start, i)) return i + 1;
    }
    for (int32_t i = limit - 1; i >= least; --i) {  // line break
      if (is_newline(i)) return i + 1;
    }
    for (auto* it : {sentences_.get(), words_.get()}) {
      const int32_t b = last_boundary(it, start, limit);
      if (b >= least) return b;
    }
    if (const int32_t b = last_boundary(graphemes_.get(), start, limit); b > start) return b;
    // One grapheme longer than the whole limit (thousands of combining
    // marks): the limit wins, but a surrogate pair is still kept whole.
    return code_point_floor(limit);
  }

  // `i`, or i - 1 when i splits a surrogate pair.
  int32_t code_point_floor(int32_t i) const {
    const bool inside_pair = U16_IS_TRAIL(text_.charAt(i)) && U16_IS_LEAD(text_.charAt(i - 1));
    return inside_pair ? i - 1 : i;
  }

  // The last boundary of `it` in (start, limit], or start when none. ICU
  // moves an offset inside a surrogate pair back to the pair's start, so
  // `preceding(limit + 1)` could skip `limit`: ask isBoundary first.
  int32_t last_boundary(icu::BreakIterator* it, int32_t start, int32_t limit) const {
    if (it == nullptr) return start;
    const int32_t at = code_point_floor(limit);
    if (it->isBoundary(at)) return at;
    const int32_t b = it->preceding(at);
    return b == icu::BreakIterator::DONE || b < start ? start : b;
  }

  // Is the newline at `i` the second of a pair separated only by blanks?
  bool blank_line_before(int32_t start, int32_t i) const {
    int32_t j = i - 1;
    while (j >= start && is_space(j) && !is_newline(j)) --j;
    return j >= start && is_newline(j);
  }

  std::string utf8(int32_t begin, int32_t end) const {
    std::string out;
    text_.tempSubStringBetween(begin, end).toUTF8String(out);
    return out;
  }

  const icu::UnicodeString& text_;
  int32_t max_;
  BreakIteratorPtr sentences_;
  BreakIteratorPtr words_;
  BreakIteratorPtr graphemes_;
};

}  // namespace

std::size_t utf16_length(std::string_view utf8) {
  return static_cast<std::size_t>(to_utf16(utf8).length());
}

std::vector<std::string> split_text(std::string_view text, std::size_t max_utf16,
                                    std::string_view lang) {
  const auto u = to_utf16(text);
  const auto max = static_cast<int32_t>(std::clamp<std::size_t>(max_utf16, 2, INT32_MAX));
  if (u.length() <= max) return {std::string(text)};
  return Splitter(u, max, lang).run();
}

}  // namespace ponte::channels
