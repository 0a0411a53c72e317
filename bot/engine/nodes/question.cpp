// question: asks for a typed answer, checks it (answer_check.hpp) and stores
// its canonical form in a var or contact field. A wrong answer gets
// `invalid` and the question again; after `retries` wrong answers the
// conversation goes to `on_fail`. A typed trigger keyword still wins, but
// only when exact ("menu" is never read as a town); an old button is stale.
//   {"id": "ask_city", "kind": "question", "text": "ask.city", "store": "contact.municipality",
//    "validate": {"type": "one_of", "options": ["Roma", "Milano", "Torino", "Napoli"]},
//    "invalid": "ask.city_invalid", "retries": 3, "on_fail": "to_operator", "next": "ask_phone"}
// (tests/engine/data/flows_ask/flows/intake.json; cases in tests/engine/data/question.json)
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr int kMaxRetries = 20;
constexpr std::size_t kMaxOptions = 500;

using Type = AnswerCheck::Type;
constexpr std::pair<std::string_view, Type> kTypes[] = {
    {"text", Type::text},    {"number", Type::number}, {"yes_no", Type::yes_no},
    {"phone", Type::phone},  {"email", Type::email},   {"date", Type::date},
    {"one_of", Type::one_of}};

std::optional<double> read_bound(Fields& f, const nlohmann::json& obj, std::string_view key) {
  f.allow(key);
  const auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (!it->is_number()) {
    f.ctx().error(f.pointer(key), "expected a number");
    return std::nullopt;
  }
  return it->get<double>();
}

void read_options(Fields& f, AnswerCheck& check) {
  const nlohmann::json* options = f.array("options", Need::required);
  if (options == nullptr) return;
  if (options->empty() || options->size() > kMaxOptions) {
    f.ctx().error(f.pointer("options"), "one_of needs 1 to 500 options");
  }
  for (std::size_t i = 0; i < options->size(); ++i) {
    const std::string pointer = f.pointer("options") + "/" + std::to_string(i);
    const auto& o = (*options)[i];
    std::u32string match = o.is_string() ? normalize(o.get<std::string>()) : std::u32string();
    if (match.empty()) {
      f.ctx().error(pointer, "expected an option with letters or digits");
      continue;
    }
    if (std::find(check.matches.begin(), check.matches.end(), match) != check.matches.end()) {
      f.ctx().error(pointer, "option " + in_quotes(o.get<std::string>()) + " is written twice");
      continue;
    }
    check.options.push_back(o.get<std::string>());
    check.matches.push_back(std::move(match));
  }
}

AnswerCheck read_check(Fields& node_fields, Node& node) {
  AnswerCheck check;
  const nlohmann::json* obj = node_fields.object("validate", Need::optional);
  if (obj == nullptr) return check;
  Fields f(node_fields.ctx(), *obj, node_fields.pointer("validate"));
  const std::string type = f.string("type", Need::required);
  std::vector<std::string> names;
  bool known = false;
  for (const auto& [name, t] : kTypes) {
    names.emplace_back(name);
    if (name == type) {
      check.type = t;
      known = true;
    }
  }
  if (!known) {
    if (!type.empty()) {
      f.ctx().error(f.pointer("type"), "unknown answer type " + did_you_mean(type, names));
    }
    return check;
  }
  if (check.type == Type::text || check.type == Type::number) {
    check.min = read_bound(f, *obj, "min");
    check.max = read_bound(f, *obj, "max");
    if (check.min && check.max && *check.min > *check.max) {
      f.ctx().error(f.pointer("min"), "min is larger than max");
    }
  }
  if (check.type == Type::number)
    check.integer = f.boolean("integer", Need::optional).value_or(false);
  if (check.type == Type::one_of) read_options(f, check);
  if (check.type == Type::yes_no) {
    for (const char* key : {"system.yes_words", "system.no_words"}) {
      node.refs.push_back(Ref{Ref::Kind::text, key, f.pointer("type")});
    }
  }
  f.finish();
  return check;
}

void read_store(Fields& f, QuestionNode& body, Node& node) {
  const std::string store = f.string("store", Need::required);
  if (store.empty()) return;
  const auto var = parse_var_ref(store);
  if (!var) {
    f.ctx().error(f.pointer("store"), "store " + in_quotes(store) +
                                          " must be vars.<name> or contact.<name> (name: 1-40 "
                                          "characters of a-z, A-Z, 0-9 and _)");
  } else if (var->contact && var->name == "language") {
    f.ctx().error(f.pointer("store"), "a question cannot store contact.language: use a choice");
  } else {
    body.store = *var;
    node.refs.push_back(Ref{Ref::Kind::writes, store, f.pointer("store")});
  }
}

void parse(Fields& f, Node& node) {
  QuestionNode body;
  body.text = read_text(f, "text", Need::required, node);
  read_store(f, body, node);
  body.check = read_check(f, node);
  body.invalid = read_text(f, "invalid", Need::optional, node);
  if (body.invalid.empty()) {
    body.invalid = "system.invalid_answer";
    node.refs.push_back(Ref{Ref::Kind::text, body.invalid, node.pointer});
  }
  if (const auto retries = f.integer("retries", Need::optional)) {
    if (*retries < 1 || *retries > kMaxRetries) {
      f.ctx().error(f.pointer("retries"), "retries must be from 1 to 20");
    }
    body.retries = *retries;
  }
  body.on_fail = read_next(f, "on_fail", Need::optional, node);
  if (body.retries > 0 && body.on_fail.empty()) {
    f.ctx().error(f.pointer("retries"), "with \"retries\", say where to go in \"on_fail\"");
  }
  if (body.retries == 0 && !body.on_fail.empty()) {
    f.ctx().error(f.pointer("on_fail"), "\"on_fail\" needs \"retries\" (how many wrong answers)");
  }
  body.next = read_next(f, "next", Need::required, node);
  body.skip = read_text(f, "skip", Need::optional, node);
  node.body = std::move(body);
}

constexpr std::string_view kSkip = "skip";  // the skip button's choice id

// With `skip`, the question comes with one button that goes on without an
// answer.
void prompt(const Node& node, Run& run) {
  const auto& body = std::get<QuestionNode>(node.body);
  if (body.skip.empty()) {
    run.say(body.text);
    return;
  }
  run.ask(body.text, {Choice{std::string(kSkip), run.text(body.skip)}}, body.token);
}

Next run(const Node& node, Run& run) {
  run.state().attempts = 0;
  prompt(node, run);
  return Next::wait;
}

// The skip button, its label typed, or a word of system.commands.skip.
bool is_skip(const QuestionNode& body, Run& run, const InboundEvent& event,
             std::u32string_view normalized) {
  if (body.skip.empty()) return false;
  if (event.kind == EventKind::choice) {
    return event.choice_token == body.token && event.choice_id == kSkip;
  }
  if (normalized.empty()) return false;
  const CatalogKey* label = run.flows().key(body.skip);
  if (label != nullptr && !label->normalized[run.lang()].empty() &&
      fuzzy_equal(normalized, label->normalized[run.lang()])) {
    return true;
  }
  const auto& words = run.flows().skip_words;
  return std::any_of(words.begin(), words.end(),
                     [&](const std::u32string& w) { return fuzzy_equal(normalized, w); });
}

Resume resume(const Node& node, Run& run, const InboundEvent& event,
              std::u32string_view normalized) {
  const auto& body = std::get<QuestionNode>(node.body);
  auto& state = run.state();
  if (is_skip(body, run, event, normalized)) {  // before checking: "Salta" is also a text
    state.attempts = 0;
    run.move_to(body.next);
    return Resume::picked;
  }
  if (event.kind == EventKind::choice) return Resume::stale;
  if (is_exact_trigger(run.flows(), normalized)) return Resume::no_match;
  if (auto value = check_answer(body.check, run.flows(), run.lang(), event.text, normalized)) {
    (body.store.contact ? state.contact : state.vars)[body.store.name] = std::move(*value);
    state.attempts = 0;
    run.move_to(body.next);
    return Resume::picked;
  }
  ++state.attempts;
  if (body.retries > 0 && state.attempts >= body.retries) {
    state.attempts = 0;
    run.move_to(body.on_fail);
    return Resume::picked;
  }
  run.say(body.invalid);
  prompt(node, run);
  return Resume::repeated;
}

}  // namespace

bool is_exact_trigger(const FlowSet& flows, std::u32string_view text) {
  return std::any_of(flows.triggers.begin(), flows.triggers.end(),
                     [&](const Trigger& t) { return t.keyword == text; });
}

const NodeKindOps& question_kind() {
  static const NodeKindOps ops{"question", NodeKind::question, &parse, &run, &prompt, &resume};
  return ops;
}

}  // namespace ponte::engine
