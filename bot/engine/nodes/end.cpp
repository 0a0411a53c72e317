// end: optionally says goodbye, then ends the conversation, or, inside a
// flow called by a goto with "return", goes back to the caller. A silent end
// that would leave a message unanswered goes to the main menu instead.
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
  const auto& text = std::get<EndNode>(node.body).text;
  run.say(text);
  auto& stack = run.state().stack;
  if (stack.empty()) {
    // A message is never answered with silence: a silent end with nowhere to
    // return to, reached before anything was said or done in this step (the
    // "back" button of a topic the person opened by its keyword or a search
    // answer), goes on at the restart flow's start, the main menu. After a
    // handoff the server speaks (queue position, office hours), so it stops.
    const auto& restart = run.flows().restart_flow;
    if (text.empty() && run.silent() && run.state().flow != restart) {
      run.enter(restart);
      return Next::go;
    }
    return Next::stop;
  }
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
