// Branch conditions as tables: one row per expression and state for
// evaluation, one row per broken expression for the compile errors (the
// character where it went wrong and what was expected).
#include "bot/engine/condition.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ponte::engine::testing {
namespace {

struct EvalRow {
  const char* expr;
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> contact;
  bool want;
};

void PrintTo(const EvalRow& r, std::ostream* os) { *os << r.expr; }

class ConditionEval : public ::testing::TestWithParam<EvalRow> {};

TEST_P(ConditionEval, Table) {
  const EvalRow& row = GetParam();
  ConditionError error;
  const auto c = compile_condition(row.expr, error);
  ASSERT_TRUE(c) << error.column << ": " << error.message;
  ConversationState state;
  state.vars = row.vars;
  state.contact = row.contact;
  EXPECT_EQ(evaluate(*c, state), row.want);
}

using M = std::map<std::string, std::string>;

INSTANTIATE_TEST_SUITE_P(
    Rows, ConditionEval,
    ::testing::Values(
        EvalRow{"contact.language == 'ar'", {}, M{{"language", "ar"}}, true},
        EvalRow{"contact.language == 'ar'", {}, M{{"language", "it"}}, false},
        EvalRow{"contact.language != 'ar'", {}, M{{"language", "it"}}, true},
        EvalRow{"vars.age >= 18", M{{"age", "18"}}, {}, true},
        EvalRow{"vars.age >= 18", M{{"age", "9"}}, {}, false},  // numeric, not "9" > "18"
        EvalRow{"vars.age > 17.5", M{{"age", "18"}}, {}, true},
        EvalRow{"vars.age < 18", M{{"age", "-3"}}, {}, true},
        EvalRow{"vars.age <= 18", M{{"age", "18.0"}}, {}, true},
        EvalRow{"vars.age == 18", M{{"age", "18.0"}}, {}, true},
        EvalRow{"vars.age == '18'", M{{"age", "18.0"}}, {}, true},  // both numbers
        EvalRow{"vars.age >= 18", {}, {}, false},                   // unset is ''
        EvalRow{"vars.birth < '2008-01-01'", M{{"birth", "1990-05-02"}}, {}, true},
        EvalRow{"vars.birth < '2008-01-01'", M{{"birth", "2010-05-02"}}, {}, false},
        EvalRow{"vars.consent in ['yes', 'si']", M{{"consent", "si"}}, {}, true},
        EvalRow{"vars.consent in ['yes', 'si']", M{{"consent", "no"}}, {}, false},
        EvalRow{"vars.consent not in ['yes', 'si']", M{{"consent", "no"}}, {}, true},
        EvalRow{"vars.n in [1, 2, 3]", M{{"n", "2"}}, {}, true},
        EvalRow{"vars.n in []", M{{"n", "2"}}, {}, false},
        EvalRow{"exists(vars.x)", M{{"x", "a"}}, {}, true},
        EvalRow{"exists(vars.x)", M{{"x", ""}}, {}, false},
        EvalRow{"exists(contact.municipality)", {}, {}, false},
        EvalRow{"not exists(contact.municipality)", {}, {}, true},
        EvalRow{"vars.a == 'x' or vars.b == 'y' and vars.c == 'z'", M{{"a", "x"}}, {}, true},
        EvalRow{"(vars.a == 'x' or vars.b == 'y') and vars.c == 'z'", M{{"a", "x"}}, {}, false},
        EvalRow{"not vars.a == 'x' and vars.b == 'y'", M{{"a", "q"}, {"b", "y"}}, {}, true},
        EvalRow{"not (vars.a == 'x' and vars.b == 'y')", M{{"a", "x"}, {"b", "y"}}, {}, false},
        EvalRow{"vars.a == vars.b", M{{"a", "Roma"}, {"b", "Roma"}}, {}, true},
        EvalRow{"vars.a == 'roma'", M{{"a", "Roma"}}, {}, false},  // exact text
        EvalRow{"vars.city == 'Forlì'", M{{"city", "Forlì"}}, {}, true},
        EvalRow{"vars.age >= 18 and vars.consent in ['yes','si']",
                M{{"age", "35"}, {"consent", "yes"}},
                {},
                true}),
    [](const auto& info) { return "row" + std::to_string(info.index); });

struct ErrorRow {
  const char* expr;
  std::size_t column;
  const char* message;  // substring
};

void PrintTo(const ErrorRow& r, std::ostream* os) { *os << r.expr; }

class ConditionErrors : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(ConditionErrors, SayWhereAndWhat) {
  const ErrorRow& row = GetParam();
  ConditionError error;
  EXPECT_FALSE(compile_condition(row.expr, error));
  EXPECT_EQ(error.column, row.column) << error.message;
  EXPECT_NE(error.message.find(row.message), std::string::npos) << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ConditionErrors,
    ::testing::Values(ErrorRow{"", 1, "expected a value"},
                      ErrorRow{"vars.age >= ", 13, "expected a value"},
                      ErrorRow{"vars.age => 18", 10, "write == to compare"},
                      ErrorRow{"vars.age = 18", 10, "write == to compare"},
                      ErrorRow{"vars.age ~ 18", 10, "unexpected \"~\""},
                      ErrorRow{"age >= 18", 1, "unknown word \"age\""},
                      ErrorRow{"var.age >= 18", 1, "\"var.age\" is not a variable"},
                      ErrorRow{"vars.consent in 'yes'", 17, "expected a list [...]"},
                      ErrorRow{"vars.consent in ['yes' 'si']", 24, "expected \",\" or \"]\""},
                      ErrorRow{"vars.consent in [vars.x]", 18, "a list holds no variables"},
                      ErrorRow{"vars.a == 'x", 11, "no closing '"},
                      ErrorRow{"(vars.a == 'x'", 15, "expected \")\""},
                      ErrorRow{"exists(vars.a", 14, "expected \")\""},
                      ErrorRow{"exists('a')", 8, "exists(...) takes a variable"},
                      ErrorRow{"len(vars.a) > 2", 1, "unknown word \"len\""},
                      ErrorRow{"vars.a == 'x' and", 18, "expected a value"},
                      ErrorRow{"vars.a == 'x' vars.b == 'y'", 15, "expected \"and\", \"or\""},
                      ErrorRow{"vars.a not 'x'", 12, "expected \"in\" after \"not\""},
                      ErrorRow{"vars.n > 1.2.3", 10, "\"1.2.3\" is not a number"},
                      ErrorRow{"vars.a == \"x\"", 11, "unexpected \"\"\""},
                      ErrorRow{"vars.a", 7, "expected ==, !="}),
    [](const auto& info) { return "row" + std::to_string(info.index); });

TEST(Condition, ReadsListsEveryVariable) {
  ConditionError error;
  const auto c = compile_condition("vars.a == contact.b or exists(vars.c)", error);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->reads.size(), 3U);
  EXPECT_EQ(c->reads[0].text(), "vars.a");
  EXPECT_EQ(c->reads[1].text(), "contact.b");
  EXPECT_EQ(c->reads[2].text(), "vars.c");
}

}  // namespace
}  // namespace ponte::engine::testing
