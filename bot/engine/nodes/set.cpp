// set: stores contact fields (kept across conversations) and session vars
// (cleared when a conversation restarts), then goes on. Setting
// contact.language switches the language of the next replies.
//   {"id": "set_lang", "kind": "set", "contact": {"language": "ar"},
//    "vars": {"topic": "permit"}, "next": "menu"}
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

void parse(Fields& f, Node& node) {
  SetNode body;
  body.set = read_assignments(f, node);
  if (body.set.empty()) f.ctx().error(f.pointer(), "a set node needs \"contact\" or \"vars\"");
  body.next = read_next(f, "next", Need::required, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<SetNode>(node.body);
  run.apply(body.set);
  run.move_to(body.next);
  return Next::go;
}

}  // namespace

const NodeKindOps& set_kind() {
  static const NodeKindOps ops{"set", NodeKind::set, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
