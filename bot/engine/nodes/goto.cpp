// goto: continues in another flow, at its start node. With "return" it is a
// call: when the called flow reaches an end node, the conversation goes on
// at that node of the calling flow. Without it, it is a jump; a jump into a
// flow that is waiting on the call stack for its callee to end ("Main menu"
// from a topic the menu called) goes back into it afresh: its frame and every
// frame above are dropped, so the stack cannot grow visit after visit and an
// end later on never returns into a flow the person already left.
//   {"id": "to_operator", "kind": "goto", "flow": "operator", "return": "menu"}
#include "bot/engine/nodes/node_kind.hpp"

#include <algorithm>

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
  auto& stack = run.state().stack;
  if (!body.ret.empty()) {
    stack.push_back(Frame{run.state().flow, body.ret});
  } else {
    const auto caller = std::ranges::find(stack, body.flow, &Frame::flow);
    stack.erase(caller, stack.end());
  }
  run.enter(body.flow);
  return Next::go;
}

}  // namespace

const NodeKindOps& goto_kind() {
  static const NodeKindOps ops{"goto", NodeKind::goto_, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
