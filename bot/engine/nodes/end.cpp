// end: optionally says goodbye, then ends the conversation, or, inside a
// flow called by a goto with "return", goes back to the caller.
//   {"id": "bye", "kind": "end", "text": "main.bye"}
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

void parse(Fields& f, Node& node) {
  EndNode body;
  body.text = read_text(f, "text", Need::optional, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  run.say(std::get<EndNode>(node.body).text);
  auto& stack = run.state().stack;
  if (stack.empty()) return Next::stop;
  const Frame frame = stack.back();
  stack.pop_back();
  run.enter(frame.flow, frame.node);
  return Next::go;
}

}  // namespace

const NodeKindOps& end_kind() {
  static const NodeKindOps ops{"end", NodeKind::end, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
