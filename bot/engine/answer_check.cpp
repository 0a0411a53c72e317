// Typed answers (see answer_check.hpp). Digits of any script become ASCII
// first ("٣٥", "۳۵" -> "35"), so every check below reads plain ASCII.
#include "bot/engine/answer_check.hpp"

#include "bot/engine/flow_model.hpp"
#include "bot/engine/text_match.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>

namespace ponte::engine {
namespace {

constexpr double kMaxTextLength = 1000;  // characters, when the flow sets no max
constexpr std::size_t kMinPhoneDigits = 6;
constexpr std::size_t kMaxPhoneDigits = 15;
constexpr std::size_t kMaxEmail = 254;
constexpr std::size_t kMaxEmailLocal = 64;
constexpr std::size_t kMaxDomainLabel = 63;
constexpr char32_t kArabicDecimalSeparator = 0x066B;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// `s` with decimal digits of every script as ASCII digits and the Arabic
// decimal separator as '.'; other characters unchanged.
std::string ascii_digits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c >= 0x80 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
      out.push_back(static_cast<char>('0' + u_charDigitValue(c)));
    } else if (c == static_cast<UChar32>(kArabicDecimalSeparator)) {
      out.push_back('.');
    } else {
      out.append(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  return out;
}

std::size_t code_points(std::string_view s) {
  std::size_t count = 0;
  for (const char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

bool in_range(double v, const AnswerCheck& check) {
  return (!check.min || v >= *check.min) && (!check.max || v <= *check.max);
}

std::optional<std::string> text(const AnswerCheck& check, std::string_view raw) {
  const std::string_view t = trim(raw);
  const auto length = static_cast<double>(code_points(t));
  if (t.empty() || !in_range(length, check) || length > check.max.value_or(kMaxTextLength)) {
    return std::nullopt;
  }
  return std::string(t);
}

// "+3,50" -> "3.5", "035" -> "35": sign, digits, one '.' or ',' and digits.
std::optional<std::string> number(const AnswerCheck& check, std::string_view raw) {
  const std::string s = ascii_digits(trim(raw));
  std::string_view v = s;
  const bool negative = !v.empty() && v.front() == '-';
  if (!v.empty() && (v.front() == '-' || v.front() == '+')) v.remove_prefix(1);
  const std::size_t sep = v.find_first_of(".,");
  std::string_view whole = v.substr(0, sep);
  std::string_view fraction = sep == std::string_view::npos ? "" : v.substr(sep + 1);
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return is_digit(c); });
  };
  if (whole.empty() || !digits(whole) || !digits(fraction)) return std::nullopt;
  if (sep != std::string_view::npos && fraction.empty()) return std::nullopt;
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (check.integer && !fraction.empty()) return std::nullopt;
  std::string out = negative && (whole != "0" || !fraction.empty()) ? "-" : "";
  out.append(whole);
  if (!fraction.empty()) out.append(".").append(fraction);
  double value = 0;
  const auto [end, ec] = std::from_chars(out.data(), out.data() + out.size(), value);
  if (ec != std::errc() || !in_range(value, check)) return std::nullopt;
  return out;
}

// A word from `words` the answer names exactly, else by one typo (5+ letters).
bool names_one_of(std::u32string_view answer, const std::vector<std::u32string>& words,
                  bool fuzzy) {
  for (const auto& w : words) {
    if (fuzzy ? fuzzy_equal(answer, w) : answer == w) return true;
  }
  return false;
}

std::optional<std::string> yes_no(const FlowSet& flows, std::u32string_view answer) {
  if (answer.empty()) return std::nullopt;
  for (const bool fuzzy : {false, true}) {
    const bool yes = names_one_of(answer, flows.yes_words, fuzzy);
    const bool no = names_one_of(answer, flows.no_words, fuzzy);
    if (yes != no) return std::string(yes ? "yes" : "no");
    if (yes) return std::nullopt;  // close to both: ask again
  }
  return std::nullopt;
}

std::optional<std::string> phone(std::string_view raw) {
  const std::string s = ascii_digits(trim(raw));
  std::string out;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (is_digit(c)) {
      out.push_back(c);
      ++digits;
    } else if (c == '+' && i == 0) {
      out.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) return std::nullopt;
  return out;
}

bool valid_domain(std::string_view d) {
  std::size_t labels = 0;
  while (true) {
    const std::size_t dot = d.find('.');
    const std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > kMaxDomainLabel || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!is_digit(c) && !(c >= 'a' && c <= 'z') && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) {
      const bool letters =
          std::all_of(label.begin(), label.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      return labels >= 2 && label.size() >= 2 && letters;
    }
    d.remove_prefix(dot + 1);
  }
}

std::optional<std::string> email(std::string_view raw) {
  const std::string_view s = trim(raw);
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || s.size() > kMaxEmail) return std::nullopt;
  const std::string_view local = s.substr(0, at);
  std::string domain(s.substr(at + 1));
  for (char& c : domain) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (local.empty() || local.size() > kMaxEmailLocal || local.front() == '.' ||
      local.back() == '.' || local.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  for (const char c : local) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == '"' || c == ',' || c == ';' ||
        c == '<' || c == '>') {
      return std::nullopt;
    }
  }
  if (!valid_domain(domain)) return std::nullopt;
  return std::string(local) + "@" + domain;
}

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "31/1/1990", "31.01.1990", "1990-01-31" -> "1990-01-31"; real dates only.
std::optional<std::string> date(std::string_view raw, DateOrder order) {
  const std::string s = ascii_digits(trim(raw));
  std::string_view parts[3];
  std::size_t count = 0, start = 0;
  char separator = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && is_digit(s[i])) continue;
    if (i < s.size() &&
        (separator == 0 ? s[i] != '/' && s[i] != '.' && s[i] != '-' : s[i] != separator)) {
      return std::nullopt;
    }
    if (i < s.size()) separator = s[i];
    if (count == 3 || i == start) return std::nullopt;
    parts[count++] = std::string_view(s).substr(start, i - start);
    start = i + 1;
  }
  if (count != 3) return std::nullopt;
  auto value = [](std::string_view p) {
    int v = 0;
    std::from_chars(p.data(), p.data() + p.size(), v);
    return v;
  };
  std::string_view y = parts[2], m = parts[1], d = parts[0];
  if (parts[0].size() == 4) {
    y = parts[0];
    d = parts[2];
  } else if (order == DateOrder::mdy) {
    m = parts[0];
    d = parts[1];
  }
  if (y.size() != 4 || m.size() > 2 || d.size() > 2) return std::nullopt;
  const int year = value(y), month = value(m), day = value(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  std::string out(y);
  out += month < 10 ? "-0" : "-";
  out += std::to_string(month);
  out += day < 10 ? "-0" : "-";
  out += std::to_string(day);
  return out;
}

std::optional<std::string> one_of(const AnswerCheck& check, std::u32string_view answer) {
  if (answer.empty()) return std::nullopt;
  for (std::size_t i = 0; i < check.matches.size(); ++i) {
    if (check.matches[i] == answer) return check.options[i];
  }
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < check.matches.size(); ++i) {
    if (!fuzzy_equal(answer, check.matches[i])) continue;
    if (found) return std::nullopt;  // close to two options: ask again
    found = i;
  }
  if (!found) return std::nullopt;
  return check.options[*found];
}

}  // namespace

std::optional<std::string> parse_date(std::string_view raw, DateOrder order) {
  return date(raw, order);
}

std::optional<std::string> check_answer(const AnswerCheck& check, const FlowSet& flows,
                                        std::size_t lang, std::string_view raw,
                                        std::u32string_view normalized) {
  using Type = AnswerCheck::Type;
  switch (check.type) {
    case Type::text: return text(check, raw);
    case Type::number: return number(check, raw);
    case Type::yes_no: return yes_no(flows, normalized);
    case Type::phone: return phone(raw);
    case Type::email: return email(raw);
    case Type::date:
      return date(raw, lang < flows.date_order.size() ? flows.date_order[lang] : DateOrder::dmy);
    case Type::one_of: return one_of(check, normalized);
  }
  return std::nullopt;
}

}  // namespace ponte::engine
