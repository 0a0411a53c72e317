// Branch conditions: a small expression language, compiled once at load
// into a flat tree and evaluated against the conversation state without
// parsing or allocating. The whole syntax (docs/flows.md):
//   cond    := and_expr ("or" and_expr)*
//   and_expr:= not_expr ("and" not_expr)*
//   not_expr:= "not" not_expr | "(" cond ")" | "exists" "(" var ")"
//            | value ("==" | "!=" | "<" | "<=" | ">" | ">=") value
//            | value ["not"] "in" "[" [literal ("," literal)*] "]"
//   value   := var | literal;  var := ("vars" | "contact") "." name
//   literal := 'text in single quotes' | number (-12, 3.5)
// A variable never set reads as ''. Comparisons are numeric when both
// sides are numbers, otherwise they compare the texts byte by byte (so ISO
// dates order correctly).
#pragma once

#include "bot/engine/state.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::engine {

// A place a value lives: contact.<name> or vars.<name>.
struct VarRef {
  bool contact = false;
  std::string name;
  std::string text() const { return (contact ? "contact." : "vars.") + name; }
};

// "vars.age" -> VarRef; nullopt unless the scope is vars or contact and the
// name is 1-40 characters of a-z, A-Z, 0-9 and _.
std::optional<VarRef> parse_var_ref(std::string_view text);

struct Operand {
  enum class Kind { var, literal };
  Kind kind = Kind::literal;
  VarRef var;                    // kind == var
  std::string text;              // kind == literal
  std::optional<double> number;  // kind == literal and the text is a number
};

struct CondNode {
  enum class Op { or_, and_, not_, exists, eq, ne, lt, le, gt, ge, in, not_in };
  Op op = Op::eq;
  std::size_t left = 0, right = 0;  // children of or_/and_ (left only for not_)
  Operand a, b;                     // operands of exists (a) and comparisons
  std::vector<Operand> list;        // in / not_in
};

struct Condition {
  std::string source;
  std::vector<CondNode> nodes;
  std::size_t root = 0;
  std::vector<VarRef> reads;  // every variable the condition reads
};

struct ConditionError {
  std::size_t column = 0;  // 1-based character in the source
  std::string message;
};

// Compiles `source`; on a syntax error says where and what was expected.
std::optional<Condition> compile_condition(std::string_view source, ConditionError& error);

// Evaluates a compiled condition. Allocates nothing.
bool evaluate(const Condition& c, const ConversationState& state);

}  // namespace ponte::engine
