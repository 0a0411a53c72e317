// branch: takes no input; goes to the `next` of the first case whose `when`
// holds, else to `else`. Conditions are compiled at load (condition.hpp),
// so a typo in one is a load error at its line, never a surprise at run time.
//   {"id": "route", "kind": "branch", "cases": [
//     {"when": "contact.language == 'ar'", "next": "arabic"},
//     {"when": "vars.age >= 18 and vars.consent in ['yes', 'si']", "next": "adult"}, ...],
//    "else": "unknown"}
// (tests/engine/data/flows_ask/flows/route.json; cases in tests/engine/data/branch.json)
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxCases = 50;

void parse_case(FileContext& ctx, const nlohmann::json& j, const std::string& pointer, Node& node,
                BranchNode& body) {
  Fields f(ctx, j, pointer);
  const std::string when = f.string("when", Need::required);
  BranchNode::Case c;
  c.next = read_next(f, "next", Need::required, node);
  f.finish();
  if (when.empty()) return;
  ConditionError error;
  auto compiled = compile_condition(when, error);
  if (!compiled) {
    ctx.error(f.pointer("when"), "condition " + in_quotes(when) + ", at character " +
                                     std::to_string(error.column) + ": " + error.message);
    return;
  }
  for (const auto& var : compiled->reads) {
    node.refs.push_back(Ref{Ref::Kind::reads, var.text(), f.pointer("when")});
  }
  c.when = std::move(*compiled);
  body.cases.push_back(std::move(c));
}

void parse(Fields& f, Node& node) {
  BranchNode body;
  if (const nlohmann::json* cases = f.array("cases", Need::required)) {
    if (cases->empty() || cases->size() > kMaxCases) {
      f.ctx().error(f.pointer("cases"), "a branch node needs 1 to 50 cases");
    }
    for (std::size_t i = 0; i < cases->size(); ++i) {
      parse_case(f.ctx(), (*cases)[i], f.pointer("cases") + "/" + std::to_string(i), node, body);
    }
  }
  body.otherwise = read_next(f, "else", Need::required, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<BranchNode>(node.body);
  for (const auto& c : body.cases) {
    if (evaluate(c.when, run.state())) {
      run.move_to(c.next);
      return Next::go;
    }
  }
  run.move_to(body.otherwise);
  return Next::go;
}

}  // namespace

const NodeKindOps& branch_kind() {
  static const NodeKindOps ops{"branch", NodeKind::branch, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
