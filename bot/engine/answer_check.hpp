// Typed answers to a `question`: each check takes what the person wrote and
// returns the value to store, already in one canonical form ("٣٥" -> "35",
// "31/1/1990" -> "1990-01-31", "sì" -> "yes"), or nothing when the answer
// does not fit. Checks run per step: no regex, no ICU objects built.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::engine {

class FlowSet;

// How a language writes a date with numbers only: day/month/year or month/day/year.
enum class DateOrder { dmy, mdy };

struct AnswerCheck {
  enum class Type { text, number, yes_no, phone, email, date, one_of };
  Type type = Type::text;
  std::optional<double> min, max;       // text: length in characters; number: value
  bool integer = false;                 // number: refuse decimals
  std::vector<std::string> options;     // one_of, as written in the flow
  std::vector<std::u32string> matches;  // one_of, normalised
};

// The canonical value of `raw` (the person's text; `normalized` is its
// text_match normalisation) under `check`, for language index `lang`.
std::optional<std::string> check_answer(const AnswerCheck& check, const FlowSet& flows,
                                        std::size_t lang, std::string_view raw,
                                        std::u32string_view normalized);

// "31/1/1990", "31.01.1990" (in `order`) or "1990-01-31" -> "1990-01-31";
// nullopt when it is not a real date.
std::optional<std::string> parse_date(std::string_view raw, DateOrder order);

}  // namespace ponte::engine
