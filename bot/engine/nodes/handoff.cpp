// handoff: asks for a human. Emits a Handoff effect; the server opens the
// case and inserts the confirmation (catalog key "text", rendered with
// {position} = the place in the queue) among the replies at reply_index.
// The node adds no reply itself.
//   {"id": "queued", "kind": "handoff", "topic": "general", "priority": "normal",
//    "reason": "asked for an operator", "text": "operator.queued", "next": "done"}
#include "bot/engine/nodes/node_kind.hpp"

namespace ponte::engine {
namespace {

void parse(Fields& f, Node& node) {
  HandoffNode body;
  body.topic = f.string("topic", Need::required);
  const std::string priority = f.string("priority", Need::optional);
  if (priority == "urgent") {
    body.priority = Priority::urgent;
  } else if (priority == "high") {
    body.priority = Priority::high;
  } else if (priority.empty() || priority == "normal") {
    body.priority = Priority::normal;
  } else {
    f.ctx().error(f.pointer("priority"), "priority " +
                                             did_you_mean(priority, {"urgent", "high", "normal"}) +
                                             " is not one of urgent, high, normal");
  }
  body.reason = f.string("reason", Need::optional);
  body.text = read_text(f, "text", Need::optional, node);
  body.next = read_next(f, "next", Need::required, node);
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<HandoffNode>(node.body);
  Handoff effect;
  effect.topic = body.topic;
  effect.priority = body.priority;
  effect.reason = body.reason;
  effect.text_key = body.text;
  effect.lang = run.lang_code();
  effect.reply_index = run.reply_count();
  run.handoff(std::move(effect));
  run.move_to(body.next);
  return Next::go;
}

}  // namespace

const NodeKindOps& handoff_kind() {
  static const NodeKindOps ops{"handoff", NodeKind::handoff, &parse, &run, nullptr, nullptr};
  return ops;
}

}  // namespace ponte::engine
