// Checks across files, after everything is read: references between nodes,
// flows and catalog keys, the settings' flows, triggers; then the warnings
// (unreachable nodes, unused texts, variables a branch reads that nothing
// sets). Also finishes the model: choice tokens, the normalised trigger
// table, and the yes/no words and date order of typed answers.
#include "bot/engine/loader.hpp"
#include "bot/engine/nodes/node_kind.hpp"
#include "bot/engine/search.hpp"
#include "bot/engine/text_match.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

namespace ponte::engine {
namespace {

// Texts the engine itself uses: every default language must have them.
constexpr std::string_view kSystemKeys[] = {"system.not_understood", "system.stale_choice",
                                            "system.media_received"};

std::vector<std::string> node_ids(const Flow& flow) {
  std::vector<std::string> ids;
  for (const auto& n : flow.nodes) ids.push_back(n.id);
  return ids;
}

std::vector<std::string> flow_ids(const FlowSet& set) {
  std::vector<std::string> ids;
  for (const auto& [id, flow] : set.flows) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> language_codes(const FlowSet& set) {
  std::vector<std::string> codes;
  for (const auto& l : set.languages) codes.push_back(l.code);
  return codes;
}

void check_settings(const FlowSet& set, LoadState& st) {
  const auto ids = flow_ids(set);
  for (const auto& [key, value] :
       {std::pair{"start_flow", &set.start_flow}, std::pair{"restart_flow", &set.restart_flow}}) {
    if (value->empty() || set.find_flow(*value) != nullptr) continue;
    st.settings.error(std::string("/") + key, "no flow " + did_you_mean(*value, ids));
  }
  const Flow* restart = set.find_flow(set.restart_flow);
  const Node* safe = restart != nullptr ? restart->find(restart->start) : nullptr;
  if (safe != nullptr && node_kind(safe->kind).prompt == nullptr) {
    st.settings.error("/restart_flow",
                      "restart_flow must start with a node that waits for the "
                      "person (a choice): it is the safe place after a problem");
  }
}

void check_ref(const FlowSet& set, const Flow& flow, const Node& node, const Ref& ref,
               FileContext& ctx, std::set<std::string>& used_keys) {
  switch (ref.kind) {
    case Ref::Kind::node:
    case Ref::Kind::return_node:
      if (flow.find(ref.value) == nullptr) {
        ctx.error(ref.pointer, "no node " + did_you_mean(ref.value, node_ids(flow)) + " in flow " +
                                   in_quotes(flow.id));
      }
      return;
    case Ref::Kind::flow:
      if (set.find_flow(ref.value) == nullptr) {
        ctx.error(ref.pointer, "no flow " + did_you_mean(ref.value, flow_ids(set)));
      }
      return;
    case Ref::Kind::language:
      if (set.language_index(ref.value) < 0) {
        ctx.error(ref.pointer, "language " + did_you_mean(ref.value, language_codes(set)) +
                                   " is not in locales/languages.json");
      }
      return;
    case Ref::Kind::reads:
    case Ref::Kind::writes: return;  // checked across the set by warn_unset_reads
    case Ref::Kind::text: {
      used_keys.insert(ref.value);
      const CatalogKey* key = set.key(ref.value);
      const Message* text = key != nullptr ? key->own[set.default_lang].get() : nullptr;
      if (text == nullptr) {
        if (set.languages.empty()) return;  // languages.json itself is reported
        ctx.error(ref.pointer, "no text " + in_quotes(ref.value) + " in the default language (" +
                                   set.languages[set.default_lang].code + ")");
      } else if (text->has_args && node.kind != NodeKind::handoff &&
                 node.kind != NodeKind::services) {
        ctx.warning(ref.pointer,
                    "text " + in_quotes(ref.value) + " has {arguments}, but this node passes none");
      }
      return;
    }
  }
}

void warn_unreachable(const Flow& flow, FileContext& ctx) {
  std::vector<bool> seen(flow.nodes.size(), false);
  std::vector<std::size_t> todo;
  auto visit = [&](const std::string& id) {
    const auto it = flow.index.find(id);
    if (it == flow.index.end() || seen[it->second]) return;
    seen[it->second] = true;
    todo.push_back(it->second);
  };
  visit(flow.start);
  while (!todo.empty()) {
    const Node& n = flow.nodes[todo.back()];
    todo.pop_back();
    for (const auto& ref : n.refs) {
      if (ref.kind == Ref::Kind::node || ref.kind == Ref::Kind::return_node) visit(ref.value);
    }
  }
  for (std::size_t i = 0; i < flow.nodes.size(); ++i) {
    if (!seen[i] && flow.find(flow.start) != nullptr) {
      ctx.warning(flow.nodes[i].pointer + "/id", "node " + in_quotes(flow.nodes[i].id) +
                                                     " is never reached from " +
                                                     in_quotes(flow.start));
    }
  }
}

// The Latin spelling of a keyword (ICU Any-Latin, then plain ASCII), for
// people who write their language in Latin letters. Built once per flow
// that asks for it; empty when ICU lacks the transform.
class Latinizer {
 public:
  Latinizer() {
    UErrorCode status = U_ZERO_ERROR;
    t_.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t_.reset();
  }
  std::string operator()(const std::string& word) const {
    if (!t_) return {};
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(word);
    t_->transliterate(s);
    std::string out;
    return s.toUTF8String(out);
  }

 private:
  std::unique_ptr<icu::Transliterator> t_;
};

void check_triggers(FlowSet& set, const Flow& flow, FileContext& ctx) {
  const auto codes = language_codes(set);
  std::optional<Latinizer> latin;
  if (!flow.transliterate.empty()) latin.emplace();
  for (const auto& lang : flow.transliterate) {
    if (set.language_index(lang) < 0) {
      ctx.error("/transliterate",
                "language " + did_you_mean(lang, codes) + " is not in locales/languages.json");
    }
  }
  for (const auto& [lang, word, pointer] : flow.triggers) {
    const int li = set.language_index(lang);
    if (li < 0) {
      ctx.error("/triggers/" + pointer_token(lang),
                "language " + did_you_mean(lang, codes) + " is not in locales/languages.json");
      continue;
    }
    Trigger t{normalize(word), 0, static_cast<std::size_t>(li), flow.id};
    t.letters = letter_count(t.keyword);
    if (t.keyword.empty()) {
      ctx.error(pointer, "keyword " + in_quotes(word) + " has no letters or digits");
      continue;
    }
    for (const auto& other : set.triggers) {
      if (other.lang == t.lang && other.keyword == t.keyword && other.flow != t.flow) {
        ctx.error(pointer, "keyword " + in_quotes(word) + " already starts flow " +
                               in_quotes(other.flow) + " in " + lang);
      }
    }
    const bool wanted = latin && std::find(flow.transliterate.begin(), flow.transliterate.end(),
                                           lang) != flow.transliterate.end();
    set.triggers.push_back(std::move(t));
    if (!wanted) continue;
    Trigger l{normalize((*latin)(word)), 0, static_cast<std::size_t>(li), flow.id};
    l.letters = letter_count(l.keyword);
    const bool clash = std::any_of(set.triggers.begin(), set.triggers.end(), [&](const Trigger& o) {
      return o.keyword == l.keyword && (o.flow != l.flow || o.lang == l.lang);
    });
    if (!l.keyword.empty() && !clash) set.triggers.push_back(std::move(l));
  }
}

// Urgent words: whole words, in order, matched anywhere in a message, in
// every language. A word or phrase may start one flow only.
void check_alerts(FlowSet& set, const Flow& flow, FileContext& ctx) {
  const auto codes = language_codes(set);
  for (const auto& [lang, word, pointer] : flow.alerts) {
    const int li = set.language_index(lang);
    if (li < 0) {
      ctx.error("/alerts/" + pointer_token(lang),
                "language " + did_you_mean(lang, codes) + " is not in locales/languages.json");
      continue;
    }
    Alert a{word_tokens(normalize(word)), static_cast<std::size_t>(li), flow.id};
    if (a.words.empty()) {
      ctx.error(pointer, "alert " + in_quotes(word) + " has no letters or digits");
      continue;
    }
    bool clash = false;
    for (const auto& other : set.alerts) {
      if (other.words != a.words) continue;
      if (other.flow != a.flow) {
        ctx.error(pointer,
                  "alert " + in_quotes(word) + " already starts flow " + in_quotes(other.flow));
      }
      clash = true;  // the same words twice in one flow (two languages) are one alert
    }
    if (!clash) set.alerts.push_back(std::move(a));
  }
}

// People read on phones, often in their second language: a text over 700
// characters is a warning, over 1000 an error. Counted in characters of the
// rendered text (the pattern, for texts with {arguments}).
constexpr std::size_t kLongText = 700;
constexpr std::size_t kTooLongText = 1000;

void check_lengths(const FlowSet& set, LoadState& st) {
  for (const auto& [key, entry] : set.catalog) {
    for (std::size_t lang = 0; lang < entry.own.size(); ++lang) {
      const Message* m = entry.own[lang].get();
      if (m == nullptr) continue;
      const std::string& text = m->has_args ? m->pattern : m->static_text;
      const auto chars =
          static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
          }));
      if (chars <= kLongText) continue;
      const bool error = chars > kTooLongText;
      std::string message = "text " + in_quotes(key) + " is " + std::to_string(chars) +
                            " characters long (" +
                            (error ? "at most 1000" : "over 700 is hard to read on a phone") +
                            "): split it or say less";
      st.problems.push_back(Problem{error ? Problem::Severity::error : Problem::Severity::warning,
                                    m->file, m->line, 0, "", std::move(message)});
    }
  }
}

void warn_unused_texts(const FlowSet& set, const std::set<std::string>& used, LoadState& st) {
  for (const auto& [key, entry] : set.catalog) {
    if (used.count(key) != 0 || key.rfind("system.", 0) == 0 ||
        key.rfind("services.category.", 0) == 0) {
      continue;  // sent by Ponte itself, or labels of flows/services.json
    }
    for (const auto& m : entry.own) {
      if (m == nullptr) continue;
      st.problems.push_back(Problem{Problem::Severity::warning, m->file, m->line, 0, "",
                                    "text " + in_quotes(key) + " is not used by any flow"});
      break;
    }
  }
}

void check_system_texts(const FlowSet& set, LoadState& st) {
  if (set.languages.empty()) return;
  for (const auto key : kSystemKeys) {
    const CatalogKey* entry = set.key(key);
    if (entry != nullptr && entry->own[set.default_lang] != nullptr) continue;
    st.languages.error("/default", "the default language (" + set.languages[set.default_lang].code +
                                       ") has no text " + in_quotes(key) +
                                       ", which Ponte itself sends");
  }
}

// A branch reading a variable no set, choice or question ever stores
// always sees '' there: most likely a typo. contact.language is always set.
void warn_unset_reads(const FlowSet& set, LoadState& st) {
  std::set<std::string, std::less<>> written{"contact.language"};
  for (const auto& [id, flow] : set.flows) {
    for (const auto& node : flow.nodes) {
      for (const auto& ref : node.refs) {
        if (ref.kind == Ref::Kind::writes) written.insert(ref.value);
      }
    }
  }
  std::vector<std::string> names(written.begin(), written.end());
  for (const auto& [id, flow] : set.flows) {
    for (const auto& node : flow.nodes) {
      for (const auto& ref : node.refs) {
        if (ref.kind != Ref::Kind::reads || written.count(ref.value) != 0) continue;
        st.flow_files.at(id).warning(ref.pointer, did_you_mean(ref.value, names) +
                                                      " is never set by a set, choice or question");
      }
    }
  }
}

// Comma-separated words of `key` in every language, normalised.
std::vector<std::u32string> word_list(const FlowSet& set, std::string_view key) {
  std::vector<std::u32string> words;
  const CatalogKey* entry = set.key(key);
  if (entry == nullptr) return words;
  for (const auto& m : entry->own) {
    if (m == nullptr) continue;
    std::string_view rest = m->pattern;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::u32string word = normalize(rest.substr(0, comma));
      if (!word.empty()) words.push_back(std::move(word));
      rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    }
  }
  return words;
}

// What typed answers need: the yes/no words of all languages, and
// system.date_order per language: "dmy" (the default) or "mdy", as the
// language itself writes it (a fallback language's order would be wrong).
void read_answer_words(FlowSet& set, LoadState& st) {
  set.yes_words = word_list(set, "system.yes_words");
  set.no_words = word_list(set, "system.no_words");
  set.skip_words = word_list(set, "system.commands.skip");
  set.date_order.assign(set.languages.size(), DateOrder::dmy);
  const CatalogKey* entry = set.key("system.date_order");
  if (entry == nullptr) return;
  for (std::size_t i = 0; i < set.languages.size() && i < entry->own.size(); ++i) {
    const Message* m = entry->own[i].get();  // an order, not a text: no fallback
    if (m == nullptr) continue;
    if (m->pattern == "mdy") {
      set.date_order[i] = DateOrder::mdy;
    } else if (m->pattern != "dmy") {
      st.problems.push_back(Problem{Problem::Severity::error, m->file, m->line, 0, "",
                                    "system.date_order must be \"dmy\" or \"mdy\""});
    }
  }
}

}  // namespace

void validate(FlowSet& set, LoadState& st) {
  check_settings(set, st);
  check_system_texts(set, st);
  read_answer_words(set, st);
  std::set<std::string> used_keys;
  for (auto& [id, flow] : set.flows) {
    FileContext& ctx = st.flow_files.at(id);
    if (flow.version < 1) ctx.error("/version", "version must be 1 or more");
    if (!flow.start.empty() && flow.find(flow.start) == nullptr) {
      ctx.error("/start", "no start node " + did_you_mean(flow.start, node_ids(flow)));
    }
    for (auto& node : flow.nodes) {
      for (const auto& ref : node.refs) check_ref(set, flow, node, ref, ctx, used_keys);
      if (auto* choice = std::get_if<ChoiceNode>(&node.body)) {
        choice->token = choice_token(flow.id, node.id, flow.version);
      } else if (auto* question = std::get_if<QuestionNode>(&node.body)) {
        question->token = choice_token(flow.id, node.id, flow.version);
      } else if (auto* services = std::get_if<ServicesNode>(&node.body)) {
        services->token = choice_token(flow.id, node.id, flow.version);
      }
    }
    warn_unreachable(flow, ctx);
  }
  // Triggers in file order of flows, so "already starts flow" names the first.
  for (const auto& id : flow_ids(set)) {
    check_triggers(set, set.flows.at(id), st.flow_files.at(id));
    check_alerts(set, set.flows.at(id), st.flow_files.at(id));
  }
  check_directory(set, st);
  check_lengths(set, st);
  warn_unused_texts(set, used_keys, st);
  warn_unset_reads(set, st);
}

}  // namespace ponte::engine
