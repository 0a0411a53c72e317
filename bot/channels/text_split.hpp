// Splitting long plain text for platforms with a length limit. Lengths are
// counted in UTF-16 code units (never fewer than code points or graphemes,
// so a platform counting any of those accepts every part). Cuts prefer a
// paragraph break, then a line break, then a sentence end (ICU, per
// language, works for Arabic), then a word boundary, then a grapheme
// boundary; a UTF-8 sequence, surrogate pair or grapheme cluster (emoji ZWJ
// sequence, base + combining marks) is never cut. Shared by the Telegram
// and (later) WhatsApp adapters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::channels {

// Length of UTF-8 text in UTF-16 code units (invalid bytes count as U+FFFD).
std::size_t utf16_length(std::string_view utf8);

// Parts of `text`, each at most `max_utf16` units. Text that fits comes back
// unchanged as one part. Whitespace at a cut is dropped (the end of one part
// and the start of the next); everything else is kept in order. A preferred
// boundary is used only when it keeps at least half the limit in the part,
// so one early blank line does not produce a tiny message. `lang` is a
// BCP 47 tag for the sentence and word rules ("" = root rules).
// Precondition: max_utf16 >= 2. Invalid UTF-8 in a long text is replaced by
// U+FFFD in the parts.
std::vector<std::string> split_text(std::string_view text, std::size_t max_utf16,
                                    std::string_view lang);

}  // namespace ponte::channels
