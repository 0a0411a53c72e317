// choice: asks a question with buttons and waits. A press carries the
// prompt's token and the choice id; typing works too: the number, the label
// in the person's language, or a close misspelling of it (text_match.hpp).
// A picked choice may set contact fields and vars before going on.
//   {"id": "menu", "kind": "choice", "text": "main.menu.prompt", "choices": [
//     {"id": "permit", "label": "main.menu.permit", "next": "permit_info"},
//     {"id": "ar", "label": "welcome.language.ar", "next": "hello",
//      "set": {"contact": {"language": "ar"}}}]}
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/text_match.hpp"

#include <array>

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxChoiceId = 40;
constexpr std::size_t kMaxChoices = 20;

bool valid_choice_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxChoiceId) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

ChoiceOption parse_option(FileContext& ctx, const nlohmann::json& j, const std::string& pointer,
                          Node& node) {
  ChoiceOption option;
  Fields f(ctx, j, pointer);
  option.id = f.string("id", Need::required);
  if (!option.id.empty() && !valid_choice_id(option.id)) {
    ctx.error(f.pointer("id"),
              "choice id " + in_quotes(option.id) + " must be 1-40 characters of a-z, 0-9 and _");
  }
  option.label = read_text(f, "label", Need::required, node);
  option.next = read_next(f, "next", Need::required, node);
  if (const nlohmann::json* set = f.object("set", Need::optional)) {
    Fields sf(ctx, *set, f.pointer("set"));
    option.set = read_assignments(sf, node);
    sf.finish();
  }
  f.finish();
  return option;
}

void parse(Fields& f, Node& node) {
  ChoiceNode body;
  body.text = read_text(f, "text", Need::required, node);
  if (const nlohmann::json* choices = f.array("choices", Need::required)) {
    if (choices->empty() || choices->size() > kMaxChoices) {
      f.ctx().error(f.pointer("choices"), "a choice node needs 1 to 20 choices");
    }
    for (std::size_t i = 0; i < choices->size(); ++i) {
      const std::string pointer = f.pointer("choices") + "/" + std::to_string(i);
      ChoiceOption option = parse_option(f.ctx(), (*choices)[i], pointer, node);
      for (const auto& other : body.choices) {
        if (!option.id.empty() && other.id == option.id) {
          f.ctx().error(pointer + "/id", "choice id " + in_quotes(option.id) + " is used twice");
        }
      }
      body.choices.push_back(std::move(option));
    }
  }
  node.body = std::move(body);
}

Next run(const Node& node, Run& run) {
  run.prompt(std::get<ChoiceNode>(node.body));
  return Next::wait;
}

void prompt(const Node& node, Run& run) { run.prompt(std::get<ChoiceNode>(node.body)); }

Resume pick(const ChoiceOption& option, Run& run) {
  run.apply(option.set);
  run.move_to(option.next);
  return Resume::picked;
}

Resume resume(const Node& node, Run& run, const InboundEvent& event,
              std::u32string_view normalized) {
  const auto& body = std::get<ChoiceNode>(node.body);
  if (event.kind == EventKind::choice) {
    if (event.choice_token != body.token) return Resume::stale;
    for (const auto& option : body.choices) {
      if (option.id == event.choice_id) return pick(option, run);
    }
    run.note("unknown_choice", "no choice " + in_quotes(event.choice_id) + " at " + node.id);
    return Resume::stale;
  }
  std::array<std::u32string_view, kMaxChoices> labels{};
  const std::size_t n = std::min(body.choices.size(), kMaxChoices);
  for (std::size_t i = 0; i < n; ++i) {
    if (const CatalogKey* key = run.flows().key(body.choices[i].label)) {
      labels[i] = key->normalized[run.lang()];
    }
  }
  const auto index = match_choice(normalized, std::span(labels.data(), n));
  return index ? pick(body.choices[*index], run) : Resume::no_match;
}

}  // namespace

std::string choice_token(std::string_view flow, std::string_view node, int version) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  auto mix = [&h](std::string_view part) {
    for (const char c : part) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    h = (h ^ 0xFFU) * 0x100000001b3ULL;  // separator no id can contain
  };
  mix(flow);
  mix(node);
  mix(std::to_string(version));
  constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string token(8, '0');
  for (char& c : token) {
    c = kDigits[h % 36];
    h /= 36;
  }
  return token;
}

const NodeKindOps& choice_kind() {
  static const NodeKindOps ops{"choice", NodeKind::choice, &parse, &run, &prompt, &resume};
  return ops;
}

}  // namespace ponte::engine
