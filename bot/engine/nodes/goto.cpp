// goto: continues in another flow, at its start node. With "return" it is a
// call: when the called flow reaches an end node, the conversation goes on
// at that node of the calling flow. Without it, it is a jump.
//   {"id": "to_operator", "kind": "goto", "flow": "operator", "return": "menu"}
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

void parse(Fields& f, Node& node) {
  GotoNode body;
  body.flow = f.string("flow", Need::required);
  if (!body.flow.empty()) node.refs.push_back(Ref{Ref::Kind::flow, body.flow, f.pointer("flow")});
  body.ret = f.string("return", Need::optional);
  if (!body.ret.empty()) {
    node.refs.push_back(Ref{Ref::Kind::return_node, body.ret, f.pointer("return")});
  }
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<GotoNode>(node.body);
  if (!body.ret.empty()) run.state().stack.push_back(Frame{run.state().flow, body.ret});
  run.enter(body.flow);
  return Next::go;
}

}  // namespace

const NodeKindOps& goto_kind() {
  static const NodeKindOps ops{"goto", NodeKind::goto_, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
