// Free-text search offers: a typed message that is no choice, trigger or
// command, at a choice prompt, is searched among the answers of searchable
// flows in the person's language (search.hpp). The best three come back as
// buttons under system.search.results; picking one (button or its number)
// shows that answer and goes on from there as the flow says. With nothing
// relevant the person is offered an operator (system.search.none with the
// button system.search.operator, entering flowset.json's operator_flow).
// The waiting node stays the same, so typing a menu label still works.
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/steps.hpp"
#include "bot/engine/text_match.hpp"

#include <charconv>

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxOffers = 3;
constexpr std::size_t kMaxLabel = 40;  // characters; longer titles are cut at a word

// A button label for an answer without a choice leading to it: the first
// line of its text, cut at a word boundary.
std::string title_of(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  std::size_t chars = 0, cut = line.size(), last_space = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0U) == 0x80U) continue;  // inside a UTF-8 sequence
    if (c == ' ') last_space = i;
    if (++chars > kMaxLabel) {
      cut = last_space > 0 ? last_space : i;
      break;
    }
  }
  if (cut == line.size()) return line;
  return line.substr(0, cut) + "…";
}

std::string label_of(Run& run, const SearchAnswer& a) {
  if (!a.title.empty()) {
    std::string title = run.text(a.title);
    if (!title.empty()) return title;
  }
  return title_of(run.text(a.text));
}

}  // namespace

bool take_offer(Run& run, const InboundEvent& event, std::u32string_view text) {
  ConversationState& s = run.state();
  if (s.offers.empty()) return false;
  std::optional<std::size_t> picked;
  if (event.kind == EventKind::choice && event.choice_token == s.offers_token) {
    std::size_t n = 0;
    const auto& id = event.choice_id;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (ec == std::errc() && end == id.data() + id.size() && n >= 1 && n <= s.offers.size()) {
      picked = n - 1;
    }
  } else if (event.kind == EventKind::text) {
    const auto n = parse_number(text);
    if (n && *n >= 1 && static_cast<std::size_t>(*n) <= s.offers.size()) {
      picked = static_cast<std::size_t>(*n - 1);
    }
  }
  if (!picked) {
    const bool own_button = event.kind == EventKind::choice && event.choice_token == s.offers_token;
    s.offers.clear();
    s.offers_token.clear();
    if (own_button) run.note("unknown_choice", "no offer " + in_quotes(event.choice_id));
    return false;
  }
  const Frame target = s.offers[*picked];
  s.stack.clear();
  run.enter(target.flow, target.node);
  return true;
}

bool offer_answers(Run& run, std::string_view typed, bool or_operator) {
  const FlowSet& flows = run.flows();
  if (flows.answers.empty() || run.lang() >= flows.search.size()) return false;
  const std::u32string query = normalize(typed);
  const auto hits = flows.search[run.lang()].query(query, kMaxOffers);
  ConversationState& s = run.state();
  std::vector<Choice> choices;
  s.offers.clear();
  for (const auto& hit : hits) {
    const SearchAnswer& a = flows.answers[hit.doc];
    s.offers.push_back(Frame{a.flow, a.node});
    choices.push_back(Choice{std::to_string(s.offers.size()), label_of(run, a)});
  }
  std::string_view key = "system.search.results";
  if (hits.empty()) {
    if (!or_operator || flows.operator_flow.empty()) return false;
    s.offers.push_back(Frame{flows.operator_flow, ""});
    choices.push_back(Choice{"1", run.text("system.search.operator")});
    key = "system.search.none";
    run.note("search_nothing", "free-text search found no answer");  // no personal text in logs
  }
  s.offers_token = choice_token("@search", to_utf8(query), static_cast<int>(s.offers.size()));
  run.ask(key, std::move(choices), s.offers_token);
  return true;
}

}  // namespace ponte::engine
