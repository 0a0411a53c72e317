// say: sends one message, then goes on.
//   {"id": "permit_info", "kind": "say", "text": "main.permit.info", "next": "menu"}
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

void parse(Fields& f, Node& node) {
  SayNode body;
  body.text = read_text(f, "text", Need::required, node);
  body.next = read_next(f, "next", Need::required, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<SayNode>(node.body);
  run.say(body.text);
  run.move_to(body.next);
  return Next::go;
}

}  // namespace

const NodeKindOps& say_kind() {
  static const NodeKindOps ops{"say", NodeKind::say, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
