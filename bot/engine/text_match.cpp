// Answer matching (see text_match.hpp). ASCII input, the common case, skips
// ICU entirely; anything else goes through the process-wide NFD normaliser,
// which ICU builds once and shares between threads.
#include "bot/engine/text_match.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <vector>

namespace ponte::engine {
namespace {

constexpr char32_t kTatweel = 0x0640;  // Arabic elongation, purely visual

bool is_ascii(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Appends c, collapsing runs of whitespace into one space (none at the start).
void push(std::u32string& out, char32_t c, bool space) {
  if (space) {
    if (!out.empty() && out.back() != U' ') out.push_back(U' ');
    return;
  }
  out.push_back(c);
}

void trim(std::u32string& s) {
  auto edge = [](char32_t c) { return c == U' ' || u_ispunct(static_cast<UChar32>(c)); };
  while (!s.empty() && edge(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && edge(s[start])) ++start;
  s.erase(0, start);
}

const icu::Normalizer2& nfd() {
  static const icu::Normalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return *instance;  // ICU's own data: only missing if ICU is broken
}

}  // namespace

std::u32string normalize(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  if (is_ascii(text)) {
    for (char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      const bool space = c == ' ' || (c >= '\t' && c <= '\r');
      push(out, static_cast<char32_t>(c >= 'A' && c <= 'Z' ? c + 32 : c), space);
    }
    trim(out);
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString decomposed = nfd().normalize(src, status);
  if (U_FAILURE(status)) return out;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK || c == kTatweel) continue;
    push(out, static_cast<char32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT)), u_isUWhiteSpace(c));
  }
  trim(out);
  return out;
}

std::size_t letter_count(std::u32string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char32_t c) { return u_isalpha(static_cast<UChar32>(c)) != 0; }));
}

std::optional<int> parse_number(std::u32string_view s) noexcept {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int value = 0;
  for (char32_t c : s) {
    const int32_t d = u_charDigitValue(static_cast<UChar32>(c));
    if (d < 0 || u_charType(static_cast<UChar32>(c)) != U_DECIMAL_DIGIT_NUMBER) {
      return std::nullopt;
    }
    value = value * 10 + d;
  }
  return value;
}

bool within_one_edit(std::u32string_view a, std::u32string_view b) noexcept {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one trailing insertion
  if (a.size() == b.size()) {
    // substitution at i, or a swap of i and i+1
    if (a.substr(i + 1) == b.substr(i + 1)) return true;
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one insertion in b at i
}

bool fuzzy_equal(std::u32string_view input, std::u32string_view label) noexcept {
  if (input == label) return true;
  return letter_count(label) >= 5 && within_one_edit(input, label);
}

std::optional<std::size_t> match_choice(std::u32string_view input,
                                        std::span<const std::u32string_view> labels) {
  if (input.empty()) return std::nullopt;
  if (const auto n = parse_number(input)) {
    if (*n >= 1 && static_cast<std::size_t>(*n) <= labels.size()) {
      return static_cast<std::size_t>(*n - 1);
    }
    return std::nullopt;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == input) return i;
  }
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!fuzzy_equal(input, labels[i])) continue;
    if (found) return std::nullopt;  // two labels this close: ask again
    found = i;
  }
  return found;
}

bool contains_words(std::span<const std::u32string> text, std::span<const std::u32string> phrase) {
  if (phrase.empty() || phrase.size() > text.size()) return false;
  for (std::size_t i = 0; i + phrase.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < phrase.size() && fuzzy_equal(text[i + k], phrase[k])) ++k;
    if (k == phrase.size()) return true;
  }
  return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1), prev2(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2 = prev;
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace ponte::engine
