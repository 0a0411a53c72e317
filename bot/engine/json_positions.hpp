// Where things are in a JSON file. nlohmann::json keeps no positions, so the
// loader scans the raw text once more and maps every JSON pointer to the
// line and column where its value starts. Problems then name the line an
// author can jump to: "flows/main.json:42:7 /nodes/3/next: ...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ponte::engine {

struct TextPos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based, in code points
};

// Line and column of a byte offset (0-based) in text.
TextPos position_of_offset(std::string_view text, std::size_t offset);

// Escapes one reference token for a JSON pointer ("a/b" -> "a~1b").
std::string pointer_token(std::string_view key);

class JsonPositions {
 public:
  JsonPositions() = default;
  // Scans text; it must already have parsed as JSON (the scan stops quietly
  // at anything unexpected).
  explicit JsonPositions(std::string_view text);

  // Position of the value at pointer, or of its nearest ancestor that exists.
  TextPos at(std::string_view pointer) const;
  // Pointers of object keys written twice (nlohmann keeps only the last).
  const std::vector<std::string>& duplicate_keys() const { return duplicates_; }

 private:
  std::unordered_map<std::string, TextPos> positions_;
  std::vector<std::string> duplicates_;
};

}  // namespace ponte::engine
