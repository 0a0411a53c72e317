// Answer matching: how a typed text picks a choice or a trigger. Text is
// normalised once (ICU: NFD, marks removed, case folded, whitespace
// collapsed, punctuation trimmed) and compared as code points, so "Salute",
// "salute " and "SALUTE!" are one answer and "صحّة" matches "صحة". A close
// misspelling (one insertion, deletion, substitution or swap of neighbours)
// counts for words of 5+ letters only: shorter words collide too easily.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ponte::engine {

// Normalised form of UTF-8 text. Thread-safe; builds no ICU objects per call.
std::u32string normalize(std::string_view text);

// Letters (alphabetic code points) in a normalised text.
std::size_t letter_count(std::u32string_view s) noexcept;

// The text's value when it is only decimal digits of one script ("2", "٢",
// "۲"); nullopt otherwise or when larger than 9999.
std::optional<int> parse_number(std::u32string_view s) noexcept;

// Damerau-Levenshtein (optimal string alignment) distance <= 1, without
// allocating.
bool within_one_edit(std::u32string_view a, std::u32string_view b) noexcept;

// Whether `input` names `label` under the typo rule (both normalised).
bool fuzzy_equal(std::u32string_view input, std::u32string_view label) noexcept;

// Which of `labels` (normalised, in order) the normalised `input` picks:
// a number 1..n, an exact label, or a unique close misspelling.
std::optional<std::size_t> match_choice(std::u32string_view input,
                                        std::span<const std::u32string_view> labels);

// Whether `phrase` (word tokens) occurs in `text` (word tokens) as
// consecutive whole words, each under the typo rule of fuzzy_equal.
bool contains_words(std::span<const std::u32string> text, std::span<const std::u32string> phrase);

// Plain edit distance (for "did you mean" suggestions at load time).
std::size_t edit_distance(std::string_view a, std::string_view b);

std::string to_utf8(std::u32string_view s);

}  // namespace ponte::engine
