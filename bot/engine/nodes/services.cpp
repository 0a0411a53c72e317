// services: asks where the person lives and lists the services of
// flows/services.json there. The typed municipality is matched on names and
// aliases (case, accents and one typo in 5+ letters do not matter; "abito a
// Torino" works too); a municipality already known is offered as a button.
// The canonical name is stored in contact.municipality. Then `found` (with
// {municipality}) and one short message per service of `categories` (all
// when absent): local ones first, then the national ones ("*"). An unknown
// municipality gets `none` (with what was typed) and the national services.
//   {"id": "find", "kind": "services", "text": "services.ask_municipality",
//    "categories": ["questura", "post_office"], "found": "services.found",
//    "none": "services.none", "next": "menu"}
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/search.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr std::string_view kKnown = "known";  // the "same as before" button's id

void parse(Fields& f, Node& node) {
  ServicesNode body;
  body.text = read_text(f, "text", Need::required, node);
  if (const nlohmann::json* list = f.array("categories", Need::optional)) {
    if (list->empty()) f.ctx().error(f.pointer("categories"), "name at least one category");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& c = (*list)[i];
      if (!c.is_string() || c.get_ref<const std::string&>().empty()) {
        f.ctx().error(f.pointer("categories") + "/" + std::to_string(i),
                      "expected a category of flows/services.json");
        continue;
      }
      body.categories.push_back(c.get<std::string>());
    }
  }
  body.found = read_text(f, "found", Need::required, node);
  body.none = read_text(f, "none", Need::required, node);
  body.next = read_next(f, "next", Need::required, node);
  node.refs.push_back(Ref{Ref::Kind::writes, "contact.municipality", node.pointer});
  node.body = std::move(body);
}

const std::string* known_municipality(Run& run) {
  const auto& contact = run.state().contact;
  const auto it = contact.find("municipality");
  return it == contact.end() || it->second.empty() ? nullptr : &it->second;
}

void prompt(const Node& node, Run& run) {
  const auto& body = std::get<ServicesNode>(node.body);
  if (const std::string* known = known_municipality(run)) {
    run.ask(body.text, {Choice{std::string(kKnown), *known}}, body.token);
  } else {
    run.say(body.text);
  }
}

Next run(const Node& node, Run& run) {
  run.state().attempts = 0;
  prompt(node, run);
  return Next::wait;
}

// One short message: the category in the person's language, then what the
// directory says, one line each.
OutboundMessage block(Run& run, const Service& s) {
  const FlowSet& flows = run.flows();
  // The block reads in the language of its label (the rest is names and
  // addresses as the directory writes them): a label that fell back to
  // English is laid out left to right even for an Arabic reader.
  std::size_t used = flows.default_lang;
  const std::string label = "services.category." + s.category;
  if (const CatalogKey* entry = flows.key(label)) {
    if (entry->resolved[run.lang()] >= 0)
      used = static_cast<std::size_t>(entry->resolved[run.lang()]);
  }
  OutboundMessage m;
  m.lang = flows.languages[used].code;
  m.rtl = flows.languages[used].rtl;
  if (flows.key(label) != nullptr) m.text = run.text(label) + "\n";
  m.text += s.name;
  for (const auto& [mark, value] :
       {std::pair{"📍 ", &s.address}, std::pair{"🕒 ", &s.hours}, std::pair{"☎ ", &s.phone}}) {
    if (!value->empty()) m.text.append("\n").append(mark).append(*value);
  }
  if (!s.languages.empty()) {
    m.text += "\n🗣 ";
    for (std::size_t i = 0; i < s.languages.size(); ++i) {
      const int li = flows.language_index(s.languages[i]);
      m.text += (i == 0 ? "" : ", ");
      m.text += li >= 0 ? flows.languages[static_cast<std::size_t>(li)].name : s.languages[i];
    }
  }
  if (!s.url.empty()) m.text.append("\n🔗 ").append(s.url);
  return m;
}

void list(Run& run, const ServicesNode& body, const Municipality* where) {
  const ServiceDirectory& dir = run.flows().directory;
  auto wanted = [&](const Service& s) {
    return body.categories.empty() || std::find(body.categories.begin(), body.categories.end(),
                                                s.category) != body.categories.end();
  };
  if (where != nullptr) {
    for (const auto& s : dir.services) {
      if (s.municipality == where->name && wanted(s)) run.send(block(run, s));
    }
  }
  for (const auto& s : dir.services) {
    if (s.municipality == "*" && wanted(s)) run.send(block(run, s));
  }
}

const Municipality* named(const ServiceDirectory& dir, std::string_view name) {
  for (const auto& m : dir.municipalities) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

Resume answer(Run& run, const ServicesNode& body, const Municipality* where,
              const std::string& typed) {
  if (where != nullptr) {
    run.state().contact["municipality"] = where->name;
    run.say(body.found, {{"municipality", where->name}});
  } else {
    run.say(body.none, {{"municipality", typed}});
  }
  list(run, body, where);
  run.state().attempts = 0;
  run.move_to(body.next);
  return Resume::picked;
}

Resume resume(const Node& node, Run& run, const InboundEvent& event,
              std::u32string_view normalized) {
  const auto& body = std::get<ServicesNode>(node.body);
  const ServiceDirectory& dir = run.flows().directory;
  if (event.kind == EventKind::choice) {
    const std::string* known = known_municipality(run);
    if (event.choice_token != body.token || event.choice_id != kKnown || known == nullptr) {
      return Resume::stale;
    }
    const std::string name = *known;
    return answer(run, body, named(dir, name), name);
  }
  if (normalized.empty() || is_exact_trigger(run.flows(), normalized)) return Resume::no_match;
  if (const std::string* known = known_municipality(run);
      known != nullptr && parse_number(normalized) == 1) {
    const std::string name = *known;  // "1": the button, typed
    return answer(run, body, named(dir, name), name);
  }
  std::string typed = event.text;
  typed.erase(0, typed.find_first_not_of(" \t\r\n"));
  typed.erase(typed.find_last_not_of(" \t\r\n") + 1);
  return answer(run, body, find_municipality(dir, normalized), typed);
}

}  // namespace

const Municipality* find_municipality(const ServiceDirectory& dir, std::u32string_view normalized) {
  if (normalized.empty()) return nullptr;
  for (const auto& m : dir.municipalities) {  // the whole text, exactly
    if (std::find(m.match.begin(), m.match.end(), normalized) != m.match.end()) return &m;
  }
  auto unique = [&](auto&& fits) -> const Municipality* {
    const Municipality* found = nullptr;
    for (const auto& m : dir.municipalities) {
      if (!std::any_of(m.match.begin(), m.match.end(), fits)) continue;
      if (found != nullptr) return nullptr;  // two places this close: do not guess
      found = &m;
    }
    return found;
  };
  if (const Municipality* m =
          unique([&](const std::u32string& name) { return fuzzy_equal(normalized, name); })) {
    return m;
  }
  // "abito a Torino": a name (all its words, in order) inside the text.
  const std::vector<std::u32string> words = word_tokens(normalized);
  return unique(
      [&](const std::u32string& name) { return contains_words(words, word_tokens(name)); });
}

const NodeKindOps& services_kind() {
  static const NodeKindOps ops{"services", NodeKind::services, &parse, &run, &prompt, &resume};
  return ops;
}

}  // namespace ponte::engine
