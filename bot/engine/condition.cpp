// Branch conditions (see condition.hpp): a recursive-descent parser over a
// hand-written tokenizer, and an evaluator that walks the compiled nodes.
#include "bot/engine/condition.hpp"

#include <charconv>

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxName = 40;
constexpr std::size_t kMaxDepth = 32;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The text as a number: optional '-', digits, optional '.' and digits.
std::optional<double> as_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = s[0] == '-' ? 1 : 0;
  std::size_t digits = 0, dots = 0;
  for (std::size_t k = i; k < s.size(); ++k) {
    if (s[k] >= '0' && s[k] <= '9') {
      ++digits;
    } else if (s[k] == '.' && k > i && k + 1 < s.size()) {
      ++dots;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || dots > 1) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

struct Token {
  enum class Kind { end, word, var, string, number, symbol };
  Kind kind = Kind::end;
  std::string text;  // word, symbol, string contents, number as written
  VarRef var;
  std::size_t column = 0;
};

class Parser {
 public:
  Parser(std::string_view src, ConditionError& error) : src_(src), error_(error) { advance(); }

  std::optional<Condition> run() {
    Condition c;
    c.source = std::string(src_);
    out_ = &c;
    const auto root = or_expr(0);
    if (!root) return std::nullopt;
    if (tok_.kind != Token::Kind::end) return fail("expected \"and\", \"or\" or the end");
    c.root = *root;
    return c;
  }

 private:
  std::nullopt_t fail(std::string message) {
    if (error_.message.empty()) error_ = ConditionError{tok_.column, std::move(message)};
    return std::nullopt;
  }
  bool is(Token::Kind k, std::string_view text = {}) const {
    return tok_.kind == k && (text.empty() || tok_.text == text);
  }
  bool word(std::string_view w) const { return is(Token::Kind::word, w); }
  bool symbol(std::string_view s) const { return is(Token::Kind::symbol, s); }

  void advance();
  std::optional<std::size_t> or_expr(std::size_t depth);
  std::optional<std::size_t> and_expr(std::size_t depth);
  std::optional<std::size_t> not_expr(std::size_t depth);
  std::optional<std::size_t> comparison();
  std::optional<Operand> value();
  std::optional<Operand> literal(std::string_view expected);

  std::size_t add(CondNode n) {
    out_->nodes.push_back(std::move(n));
    return out_->nodes.size() - 1;
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  Token tok_;
  ConditionError& error_;
  Condition* out_ = nullptr;
};

void Parser::advance() {
  while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t')) ++pos_;
  tok_ = Token{};
  tok_.column = pos_ + 1;
  if (pos_ >= src_.size()) return;
  const char c = src_[pos_];
  if (c == '\'') {
    const std::string_view rest = src_.substr(pos_ + 1);
    const std::size_t close = rest.find('\'');
    if (close == std::string_view::npos) {
      tok_.kind = Token::Kind::symbol;  // reported by whoever expected a value
      tok_.text = "'";
      fail("this text has no closing '");
      pos_ = src_.size();
      return;
    }
    tok_.kind = Token::Kind::string;
    tok_.text.assign(rest.data(), close);
    pos_ += close + 2;
    return;
  }
  if ((c >= '0' && c <= '9') ||
      (c == '-' && pos_ + 1 < src_.size() && src_[pos_ + 1] >= '0' && src_[pos_ + 1] <= '9')) {
    std::size_t end = pos_ + 1;
    while (end < src_.size() && ((src_[end] >= '0' && src_[end] <= '9') || src_[end] == '.')) {
      ++end;
    }
    tok_.kind = Token::Kind::number;
    tok_.text = std::string(src_.substr(pos_, end - pos_));
    pos_ = end;
    return;
  }
  if (is_name_char(c)) {
    std::size_t end = pos_;
    while (end < src_.size() && (is_name_char(src_[end]) || src_[end] == '.')) ++end;
    tok_.text = std::string(src_.substr(pos_, end - pos_));
    pos_ = end;
    if (tok_.text.find('.') == std::string::npos) {
      tok_.kind = Token::Kind::word;
      return;
    }
    tok_.kind = Token::Kind::var;
    if (auto var = parse_var_ref(tok_.text)) {
      tok_.var = std::move(*var);
    } else {
      fail("\"" + tok_.text + "\" is not a variable: write vars.name or contact.name");
    }
    return;
  }
  for (const std::string_view s : {"==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ","}) {
    if (src_.substr(pos_, s.size()) == s) {
      tok_.kind = Token::Kind::symbol;
      tok_.text = std::string(s);
      pos_ += s.size();
      return;
    }
  }
  tok_.kind = Token::Kind::symbol;
  tok_.text = std::string(1, c);
  fail(c == '=' ? std::string("write == to compare") : "unexpected \"" + tok_.text + "\"");
  pos_ = src_.size();
}

std::optional<std::size_t> Parser::or_expr(std::size_t depth) {
  if (depth > kMaxDepth) return fail("too deeply nested");
  auto left = and_expr(depth);
  while (left && word("or")) {
    advance();
    const auto right = and_expr(depth);
    if (!right) return std::nullopt;
    CondNode n;
    n.op = CondNode::Op::or_;
    n.left = *left;
    n.right = *right;
    left = add(std::move(n));
  }
  return left;
}

std::optional<std::size_t> Parser::and_expr(std::size_t depth) {
  auto left = not_expr(depth);
  while (left && word("and")) {
    advance();
    const auto right = not_expr(depth);
    if (!right) return std::nullopt;
    CondNode n;
    n.op = CondNode::Op::and_;
    n.left = *left;
    n.right = *right;
    left = add(std::move(n));
  }
  return left;
}

std::optional<std::size_t> Parser::not_expr(std::size_t depth) {
  if (depth > kMaxDepth) return fail("too deeply nested");
  if (word("not")) {
    advance();
    const auto inner = not_expr(depth + 1);
    if (!inner) return std::nullopt;
    CondNode n;
    n.op = CondNode::Op::not_;
    n.left = *inner;
    return add(std::move(n));
  }
  if (symbol("(")) {
    advance();
    const auto inner = or_expr(depth + 1);
    if (!inner) return std::nullopt;
    if (!symbol(")")) return fail("expected \")\"");
    advance();
    return inner;
  }
  if (word("exists")) {
    advance();
    if (!symbol("(")) return fail("expected \"(\" after exists");
    advance();
    if (!is(Token::Kind::var))
      return fail("exists(...) takes a variable: vars.name or contact.name");
    CondNode n;
    n.op = CondNode::Op::exists;
    n.a.kind = Operand::Kind::var;
    n.a.var = tok_.var;
    out_->reads.push_back(tok_.var);
    advance();
    if (!symbol(")")) return fail("expected \")\"");
    advance();
    return add(std::move(n));
  }
  return comparison();
}

std::optional<std::size_t> Parser::comparison() {
  if (is(Token::Kind::word)) {
    return fail("unknown word \"" + tok_.text +
                "\": use vars.name, contact.name, 'text', a number, exists(...), not");
  }
  auto a = value();
  if (!a) return std::nullopt;
  CondNode n;
  n.a = std::move(*a);
  if (word("in") || word("not")) {
    const bool negated = word("not");
    advance();
    if (negated) {
      if (!word("in")) return fail("expected \"in\" after \"not\"");
      advance();
    }
    n.op = negated ? CondNode::Op::not_in : CondNode::Op::in;
    if (!symbol("[")) return fail("expected a list [...] after \"in\"");
    advance();
    while (!symbol("]")) {
      if (!n.list.empty()) {
        if (!symbol(",")) return fail("expected \",\" or \"]\"");
        advance();
      }
      auto item = literal("expected 'text' or a number (a list holds no variables)");
      if (!item) return std::nullopt;
      n.list.push_back(std::move(*item));
    }
    advance();
    return add(std::move(n));
  }
  using Op = CondNode::Op;
  static constexpr std::pair<std::string_view, Op> kOps[] = {
      {"==", Op::eq}, {"!=", Op::ne}, {"<", Op::lt}, {"<=", Op::le}, {">", Op::gt}, {">=", Op::ge}};
  bool found = false;
  for (const auto& [text, op] : kOps) {
    if (symbol(text)) {
      n.op = op;
      found = true;
    }
  }
  if (!found) return fail("expected ==, !=, <, <=, >, >=, in or not in");
  advance();
  auto b = value();
  if (!b) return std::nullopt;
  n.b = std::move(*b);
  return add(std::move(n));
}

std::optional<Operand> Parser::value() {
  if (is(Token::Kind::var)) {
    Operand o;
    o.kind = Operand::Kind::var;
    o.var = tok_.var;
    out_->reads.push_back(tok_.var);
    advance();
    return o;
  }
  return literal("expected a value: vars.name, contact.name, 'text' or a number");
}

std::optional<Operand> Parser::literal(std::string_view expected) {
  if (!is(Token::Kind::string) && !is(Token::Kind::number)) return fail(std::string(expected));
  Operand o;
  o.text = tok_.text;
  o.number = as_number(o.text);
  if (is(Token::Kind::number) && !o.number) return fail("\"" + o.text + "\" is not a number");
  advance();
  return o;
}

const std::string kEmpty;

const std::string& lookup(const VarRef& var, const ConversationState& state) {
  const auto& map = var.contact ? state.contact : state.vars;
  const auto it = map.find(var.name);
  return it == map.end() ? kEmpty : it->second;
}

struct Value {
  std::string_view text;
  std::optional<double> number;
};

Value value_of(const Operand& o, const ConversationState& state) {
  if (o.kind == Operand::Kind::literal) return Value{o.text, o.number};
  const std::string& text = lookup(o.var, state);
  return Value{text, as_number(text)};
}

// <0, 0, >0 like strcmp: numeric when both are numbers, else byte order.
int compare(const Value& a, const Value& b) {
  if (a.number && b.number) return *a.number < *b.number ? -1 : *a.number > *b.number ? 1 : 0;
  const int c = a.text.compare(b.text);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool eval(const Condition& c, std::size_t i, const ConversationState& state) {
  const CondNode& n = c.nodes[i];
  using Op = CondNode::Op;
  switch (n.op) {
    case Op::or_: return eval(c, n.left, state) || eval(c, n.right, state);
    case Op::and_: return eval(c, n.left, state) && eval(c, n.right, state);
    case Op::not_: return !eval(c, n.left, state);
    case Op::exists: return !lookup(n.a.var, state).empty();
    case Op::in:
    case Op::not_in: {
      const Value a = value_of(n.a, state);
      bool found = false;
      for (const auto& item : n.list) found = found || compare(a, value_of(item, state)) == 0;
      return found == (n.op == Op::in);
    }
    default: break;
  }
  const int r = compare(value_of(n.a, state), value_of(n.b, state));
  switch (n.op) {
    case Op::eq: return r == 0;
    case Op::ne: return r != 0;
    case Op::lt: return r < 0;
    case Op::le: return r <= 0;
    case Op::gt: return r > 0;
    case Op::ge: return r >= 0;
    default: return false;
  }
}

}  // namespace

std::optional<VarRef> parse_var_ref(std::string_view text) {
  VarRef ref;
  std::string_view name;
  if (text.starts_with("vars.")) {
    name = text.substr(5);
  } else if (text.starts_with("contact.")) {
    ref.contact = true;
    name = text.substr(8);
  } else {
    return std::nullopt;
  }
  if (name.empty() || name.size() > kMaxName) return std::nullopt;
  for (const char ch : name) {
    if (!is_name_char(ch)) return std::nullopt;
  }
  ref.name = std::string(name);
  return ref;
}

std::optional<Condition> compile_condition(std::string_view source, ConditionError& error) {
  error = ConditionError{};
  Parser parser(source, error);
  auto c = parser.run();
  if (!error.message.empty()) return std::nullopt;
  return c;
}

bool evaluate(const Condition& c, const ConversationState& state) {
  return !c.nodes.empty() && eval(c, c.root, state);
}

}  // namespace ponte::engine
