// JSON pointer -> line/column scanner (see json_positions.hpp). A small
// recursive descent over already-valid JSON: it records where each value
// starts and skips over everything else.
#include "bot/engine/json_positions.hpp"

#include <set>

namespace ponte::engine {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, std::unordered_map<std::string, TextPos>& out,
          std::vector<std::string>& duplicates)
      : text_(text), out_(out), duplicates_(duplicates) {}

  void run() {
    skip_space();
    value("", 0);
  }

 private:
  static constexpr int kMaxDepth = 200;

  void advance() {
    if (i_ >= text_.size()) return;
    const auto c = static_cast<unsigned char>(text_[i_]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;
    }
    ++i_;
  }
  bool at_end() const { return i_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[i_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')) {
      advance();
    }
  }

  TextPos here() const { return TextPos{line_, column_}; }

  bool value(const std::string& pointer, int depth) {
    if (at_end() || depth > kMaxDepth) return false;
    out_.emplace(pointer, here());
    switch (peek()) {
      case '{': return object(pointer, depth);
      case '[': return array(pointer, depth);
      case '"': {
        std::string ignored;
        return string(ignored);
      }
      default:
        while (!at_end() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' &&
               peek() != '\n' && peek() != '\r' && peek() != '\t') {
          advance();
        }
        return true;
    }
  }

  bool string(std::string& out) {
    advance();  // opening quote
    while (!at_end()) {
      const char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (c == '\\') {
        advance();
        if (at_end()) return false;
        const char e = peek();
        // Keys with escapes only need to compare equal to nlohmann's
        // decoded form for the simple escapes authors use.
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        advance();
        continue;
      }
      out.push_back(c);
      advance();
    }
    return false;
  }

  bool object(const std::string& pointer, int depth) {
    advance();  // {
    std::set<std::string> seen;
    skip_space();
    if (peek() == '}') {
      advance();
      return true;
    }
    while (!at_end()) {
      skip_space();
      if (peek() != '"') return false;
      std::string key;
      if (!string(key)) return false;
      const std::string child = pointer + "/" + pointer_token(key);
      if (!seen.insert(key).second) duplicates_.push_back(child);
      skip_space();
      if (peek() != ':') return false;
      advance();
      skip_space();
      if (!value(child, depth + 1)) return false;
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == '}') {
        advance();
        return true;
      }
      return false;
    }
    return false;
  }

  bool array(const std::string& pointer, int depth) {
    advance();  // [
    skip_space();
    if (peek() == ']') {
      advance();
      return true;
    }
    for (std::size_t index = 0; !at_end(); ++index) {
      skip_space();
      if (!value(pointer + "/" + std::to_string(index), depth + 1)) return false;
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == ']') {
        advance();
        return true;
      }
      return false;
    }
    return false;
  }

  std::string_view text_;
  std::unordered_map<std::string, TextPos>& out_;
  std::vector<std::string>& duplicates_;
  std::size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

TextPos position_of_offset(std::string_view text, std::size_t offset) {
  TextPos pos{1, 1};
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos.column;
    }
  }
  return pos;
}

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

JsonPositions::JsonPositions(std::string_view text) {
  Scanner(text, positions_, duplicates_).run();
}

TextPos JsonPositions::at(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    if (const auto it = positions_.find(p); it != positions_.end()) return it->second;
    if (p.empty()) return TextPos{};
    p.erase(p.rfind('/'));
  }
}

}  // namespace ponte::engine
