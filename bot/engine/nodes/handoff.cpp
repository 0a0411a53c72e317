// handoff: asks for a human. Emits a Handoff effect; the server opens the
// case and inserts the confirmation (catalog key "text", rendered with
// {position} = the place in the queue) among the replies at reply_index.
// The node adds no reply itself. The case carries a summary of what the
// conversation collected, for the operator: `summary` (optional) is a
// catalog key rendered in the default language (the operators') with every
// contact field and session variable as an argument ({municipality},
// {age}...); without it, one "name: value" line per field and variable.
//   {"id": "queued", "kind": "handoff", "topic": "general", "priority": "normal",
//    "reason": "asked for an operator", "summary": "operator.summary",
//    "text": "operator.queued", "next": "done"}
// An urgent case also gets the server's emergency numbers (system.emergency)
// at once, unless the node says "emergency_numbers": false because its flow
// has just given them.
#include "bot/engine/nodes/node_kind.hpp"

#include <algorithm>
#include <cctype>

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
  body.summary = read_text(f, "summary", Need::optional, node);
  body.next = read_next(f, "next", Need::required, node);
  body.emergency_numbers = f.boolean("emergency_numbers", Need::optional).value_or(true);
  node.body = std::move(body);
}

std::string summary(const HandoffNode& body, Run& run) {
  const auto& s = run.state();
  if (body.summary.empty()) {
    std::string out;
    for (const auto* group : {&s.contact, &s.vars}) {
      for (const auto& [name, value] : *group) {
        if (name == "paused") continue;
        out.append(name).append(": ").append(value).push_back('\n');
      }
    }
    if (!out.empty()) out.pop_back();
    return out;
  }
  Args args;
  for (const auto* group : {&s.contact, &s.vars}) {  // a var shadows a contact field
    for (const auto& [name, value] : *group) {
      // Named capture: clang 14 cannot capture a structured binding.
      auto it = std::find_if(args.begin(), args.end(),
                             [&key = name](const auto& a) { return a.first == key; });
      if (it != args.end()) {
        it->second = value;
      } else {
        args.emplace_back(name, value);
      }
    }
  }
  const CatalogKey* key = run.flows().key(body.summary);
  const Message* m = key != nullptr ? key->get(run.flows().default_lang) : nullptr;
  if (m == nullptr) return {};
  // A field nobody answered shows as a dash, not as "{municipality}".
  const std::string& p = m->pattern;
  for (std::size_t open = p.find('{'); open != std::string::npos; open = p.find('{', open + 1)) {
    std::size_t end = open + 1;
    while (end < p.size() && (std::isalnum(static_cast<unsigned char>(p[end])) || p[end] == '_')) {
      ++end;
    }
    if (end == open + 1 || end >= p.size() || (p[end] != '}' && p[end] != ',')) continue;
    const std::string name = p.substr(open + 1, end - open - 1);
    if (std::none_of(args.begin(), args.end(), [&](const auto& a) { return a.first == name; })) {
      args.emplace_back(name, std::string("—"));
    }
  }
  return format_message(*m, args);
}

Next run(const Node& node, Run& run) {
  const auto& body = std::get<HandoffNode>(node.body);
  Handoff effect;
  effect.summary = summary(body, run);
  effect.topic = body.topic;
  effect.priority = body.priority;
  effect.reason = body.reason;
  effect.text_key = body.text;
  effect.lang = run.lang_code();
  effect.reply_index = run.reply_count();
  effect.emergency_numbers = body.emergency_numbers;
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
