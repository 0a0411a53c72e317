// Load-time setup of what works across all flows: the global commands'
// words (commands.cpp) and the free-text search index (offers.cpp), with
// the checks that make them safe: every text Ponte sends for them exists in
// the default language, operator_flow exists, a command word that is also a
// trigger keyword is pointed out.
#include "bot/engine/loader.hpp"
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

struct CommandSpec {
  Command command;
  std::string_view key;
  std::vector<std::string_view> texts;  // sent by the command: required once it has words
};

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = {
      {Command::help, "system.commands.help", {"system.help"}},
      {Command::stop, "system.commands.stop", {"system.paused", "system.resumed"}},
      {Command::start, "system.commands.start", {"system.resumed"}},
      {Command::erase,
       "system.commands.erase",
       {"system.erase.confirm", "system.erase.yes", "system.erase.no", "system.erase.done",
        "system.erase.cancelled"}},
      {Command::back, "system.commands.back", {}},
  };
  return specs;
}

std::vector<std::u32string> split_words(std::string_view list) {
  std::vector<std::u32string> words;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::u32string word = normalize(list.substr(0, comma));
    if (!word.empty()) words.push_back(std::move(word));
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
  }
  return words;
}

void require_text(const FlowSet& set, std::string_view key, const Message& why, LoadState& st) {
  const CatalogKey* entry = set.key(key);
  if (entry != nullptr && entry->own[set.default_lang] != nullptr) return;
  st.problems.push_back(Problem{Problem::Severity::error, why.file, why.line, 0, "",
                                "the default language (" + set.languages[set.default_lang].code +
                                    ") has no text " + in_quotes(key) +
                                    ", which this command sends"});
}

void warn_trigger_clash(const FlowSet& set, const CommandWord& c, const Message& m, LoadState& st) {
  for (const auto& t : set.triggers) {
    if (t.lang != c.lang || t.keyword != c.word) continue;
    st.problems.push_back(Problem{Problem::Severity::warning, m.file, m.line, 0, "",
                                  "command word " + in_quotes(to_utf8(c.word)) +
                                      " is also a trigger of flow " + in_quotes(t.flow) +
                                      "; the command wins"});
  }
}

// The choice label (catalog key) of a choice leading to `node` in `flow`.
std::string title_for(const Flow& flow, const std::string& node) {
  for (const auto& n : flow.nodes) {
    if (const auto* choice = std::get_if<ChoiceNode>(&n.body)) {
      for (const auto& option : choice->choices) {
        if (option.next == node) return option.label;
      }
    }
  }
  return {};
}

}  // namespace

void build_commands(FlowSet& set, LoadState& st) {
  if (set.languages.empty()) return;
  for (const auto& spec : command_specs()) {
    const CatalogKey* entry = set.key(spec.key);
    if (entry == nullptr) continue;
    const Message* first = nullptr;
    for (std::size_t lang = 0; lang < entry->own.size(); ++lang) {
      const Message* m = entry->own[lang].get();  // own words only: no fallback
      if (m == nullptr) continue;
      if (first == nullptr) first = m;
      for (auto& word : split_words(m->pattern)) {
        CommandWord c{std::move(word), 0, lang, spec.command};
        c.letters = letter_count(c.word);
        warn_trigger_clash(set, c, *m, st);
        set.commands.push_back(std::move(c));
      }
    }
    if (first == nullptr) continue;
    for (const auto key : spec.texts) require_text(set, key, *first, st);
  }
}

void build_search(FlowSet& set, LoadState& st) {
  if (!set.operator_flow.empty() && set.find_flow(set.operator_flow) == nullptr) {
    std::vector<std::string> ids;
    for (const auto& [id, flow] : set.flows) ids.push_back(id);
    st.settings.error("/operator_flow", "no flow " + did_you_mean(set.operator_flow, ids));
  }
  std::vector<const Flow*> searchable;
  for (const auto& [id, flow] : set.flows) {
    if (flow.searchable) searchable.push_back(&flow);
  }
  std::sort(searchable.begin(), searchable.end(),
            [](const Flow* a, const Flow* b) { return a->id < b->id; });
  for (const Flow* flow : searchable) {
    for (const auto& node : flow->nodes) {
      if (const auto* say = std::get_if<SayNode>(&node.body)) {
        set.answers.push_back(
            SearchAnswer{flow->id, node.id, say->text, title_for(*flow, node.id)});
      }
    }
  }
  if (set.answers.empty() || set.languages.empty()) return;
  std::vector<std::string_view> needed = {"system.search.results"};
  if (!set.operator_flow.empty()) {
    needed.insert(needed.end(), {"system.search.none", "system.search.operator"});
  }
  for (const auto key : needed) {
    const CatalogKey* entry = set.key(key);
    if (entry != nullptr && entry->own[set.default_lang] != nullptr) continue;
    st.languages.error("/default", "the default language (" + set.languages[set.default_lang].code +
                                       ") has no text " + in_quotes(key) +
                                       ", which free-text search sends");
  }
  const CatalogKey* stop = set.key("system.search.stop_words");
  set.search.resize(set.languages.size());
  for (std::size_t lang = 0; lang < set.languages.size(); ++lang) {
    SearchIndex& index = set.search[lang];
    if (stop != nullptr && stop->own[lang] != nullptr) {
      index.set_stop_words(split_words(stop->own[lang]->pattern));
    }
    for (std::size_t doc = 0; doc < set.answers.size(); ++doc) {
      const SearchAnswer& a = set.answers[doc];
      std::u32string text;
      for (const auto& key : {a.title, a.title, a.text}) {  // a title counts twice
        const CatalogKey* entry = key.empty() ? nullptr : set.key(key);
        if (entry == nullptr || lang >= entry->normalized.size()) continue;
        text.append(entry->normalized[lang]).push_back(U' ');
      }
      index.add(doc, text);
    }
    index.build();
  }
}

}  // namespace ponte::engine
