// The engine's model of a loaded flow set: flows, nodes, message catalogs
// and triggers, all resolved at load time so step() only looks things up.
// Engine-internal: the server sees FlowSet only through flow_set.hpp.
//
// Everything here is immutable after load_flow_set() returns, except the
// per-message ICU formatter, which sits behind its own mutex (ICU's
// MessageFormat fills caches lazily inside const format calls).
#pragma once

#include "bot/engine/answer_check.hpp"
#include "bot/engine/condition.hpp"
#include "bot/engine/flow_set.hpp"
#include "bot/engine/search.hpp"
#include "bot/engine/step.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace ponte::engine {

// Enumerators spell the JSON kind; `goto` is a C++ keyword, hence `goto_`.
enum class NodeKind {
  say,
  choice,
  set,
  goto_,
  handoff,
  end,
  question,
  branch,
  follow_up,
  services
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Assignments applied by a `set` node or a picked choice, in file order.
struct Assignments {
  std::vector<std::pair<std::string, std::string>> contact;
  std::vector<std::pair<std::string, std::string>> vars;
  bool empty() const { return contact.empty() && vars.empty(); }
};

struct ChoiceOption {
  std::string id;     // [a-z0-9_]{1,40}, sent back by buttons
  std::string label;  // catalog key
  std::string next;   // node in the same flow
  Assignments set;
};

struct SayNode {
  std::string text;
  std::string next;
};
struct ChoiceNode {
  std::string text;
  std::vector<ChoiceOption> choices;
  std::string token;  // 8 chars [a-z0-9]: hash of flow id, node id, flow version
};
struct SetNode {
  Assignments set;
  std::string next;
};
struct GotoNode {
  std::string flow;
  std::string ret;  // node of the calling flow; empty = a jump, not a call
};
struct HandoffNode {
  std::string topic;
  Priority priority = Priority::normal;
  std::string reason;
  std::string text;     // confirmation key, rendered by the server with {position}
  std::string summary;  // catalog key for the case summary; empty = automatic
  std::string next;
  // false: the flow itself already gave the emergency numbers, so the
  // server's urgent notice (system.emergency) would only repeat them.
  bool emergency_numbers = true;
};
struct EndNode {
  std::string text;  // may be empty
};
struct QuestionNode {
  std::string text;
  VarRef store;
  AnswerCheck check;
  std::string invalid;  // catalog key; system.invalid_answer when not written
  int retries = 0;      // 0 = ask again for ever
  std::string on_fail;  // required when retries > 0
  std::string next;
  std::string skip;   // catalog key of the "skip" button; empty = not skippable
  std::string token;  // of the skip button: choice_token(flow, node, version)
};
struct BranchNode {
  struct Case {
    Condition when;
    std::string next;
  };
  std::vector<Case> cases;
  std::string otherwise;  // "else"
};

struct FollowUpNode {
  std::string text;
  std::chrono::seconds delay{0};  // after the step's time, when `at` is not set
  std::optional<TimePoint> at;    // a fixed time (UTC)
  std::string next;
};

// services: asks for a municipality, then lists the services of
// flows/services.json there (nodes/services.cpp).
struct ServicesNode {
  std::string text;                     // asks for the municipality
  std::vector<std::string> categories;  // empty = every category
  std::string found;                    // {municipality}
  std::string none;                     // {municipality}
  std::string next;
  std::string token;  // of the "same municipality as before" button
};

using NodeBody = std::variant<SayNode, ChoiceNode, SetNode, GotoNode, HandoffNode, EndNode,
                              QuestionNode, BranchNode, FollowUpNode, ServicesNode>;

// A reference a node makes, collected at parse time so validation does not
// need to know each kind: node ids, flow ids and catalog keys.
struct Ref {
  // reads/writes: "vars.x" or "contact.x" a branch reads or a node stores.
  enum class Kind { node, flow, text, return_node, language, reads, writes };
  Kind kind;
  std::string value;
  std::string pointer;  // JSON pointer of the value in the flow file
};

struct Node {
  std::string id;
  NodeKind kind = NodeKind::say;
  NodeBody body;
  std::vector<Ref> refs;
  std::string pointer;  // "/nodes/3"
  int line = 0;         // of the node in its file, for `flows check --review`
  // Provenance (any kind): source tags of flows/sources.json, the date of
  // the last content review (YYYY-MM-DD), and why a human must re-check it.
  std::vector<std::string> sources;
  std::string reviewed;
  std::string verify;
};

struct Flow {
  std::string id;
  int version = 0;
  std::string start;
  std::string file;
  bool searchable = false;  // its say nodes are answers for free-text search
  // Languages whose trigger keywords also match written in Latin letters
  // ("меню" -> "menu", "قائمة" -> "qayimat"): ICU's Any-Latin transliteration.
  std::vector<std::string> transliterate;
  std::vector<Node> nodes;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>>
      index;  // node id -> nodes[i]
  struct TriggerWord {
    std::string lang;
    std::string word;  // as written
    std::string pointer;
  };
  std::vector<TriggerWord> triggers;
  // Urgent words or phrases that interrupt anything and start this flow.
  std::vector<TriggerWord> alerts;

  const Node* find(std::string_view node_id) const;
};

// One catalog entry as a translator wrote it, compiled once.
struct CompiledFormat;  // wraps icu::MessageFormat + its mutex (catalog.cpp)
struct CompiledFormatDeleter {
  void operator()(CompiledFormat* f) const noexcept;
};

struct Message {
  std::string pattern;
  std::string file;
  int line = 0;
  bool has_args = false;
  std::string static_text;  // the formatted text when has_args is false
  std::unique_ptr<CompiledFormat, CompiledFormatDeleter> format;
};

// A catalog key across languages, with the fallback chain already resolved.
struct CatalogKey {
  std::vector<std::unique_ptr<Message>> own;  // per language index; null = not written
  std::vector<int> resolved;                  // per language: index of the text used, -1 none
  std::vector<std::u32string> normalized;     // per language: normalized resolved text
  const Message* get(std::size_t lang) const {
    const int r = resolved[lang];
    return r < 0 ? nullptr : own[static_cast<std::size_t>(r)].get();
  }
};

struct Trigger {
  std::u32string keyword;  // normalized
  std::size_t letters = 0;
  std::size_t lang = 0;
  std::string flow;
};

// An urgent word or phrase of a flow's `alerts`: a message containing it
// (whole words, in order) starts the flow at once, whatever is going on.
struct Alert {
  std::vector<std::u32string> words;  // normalised word tokens
  std::size_t lang = 0;
  std::string flow;
};

// flows/services.json: the services directory (services_dir.cpp).
struct Municipality {
  std::string name;
  std::string province;
  std::vector<std::string> aliases;
  std::vector<std::u32string> match;  // normalised name and aliases
};
struct Service {
  std::string id, municipality, category, name, address, hours, phone, url;
  std::vector<std::string> languages;
  std::vector<std::string> sources;
  std::string reviewed;
  bool example = false;
  int line = 0;
};
struct ServiceDirectory {
  bool present = false;  // flows/services.json exists
  std::vector<std::string> categories;
  std::vector<Municipality> municipalities;
  std::vector<Service> services;
};

// Global commands, recognised in every language at any point.
enum class Command { help, stop, start, erase, back };
struct CommandWord {
  std::u32string word;  // normalised
  std::size_t letters = 0;
  std::size_t lang = 0;
  Command command = Command::help;
};

// A say node of a searchable flow, offered as a choice by free-text search.
struct SearchAnswer {
  std::string flow;
  std::string node;
  std::string text;   // catalog key of the answer
  std::string title;  // catalog key of a choice label leading to it; may be empty
};

class FlowSet {
 public:
  int spec = 1;
  std::string start_flow;
  std::string restart_flow;
  int step_budget = 64;
  std::string operator_flow;  // offered when free-text search finds nothing

  std::vector<CommandWord> commands;
  std::vector<SearchAnswer> answers;
  std::vector<SearchIndex> search;  // per language index; docs are answers[i]

  std::unordered_map<std::string, Flow, StringHash, std::equal_to<>> flows;
  std::vector<LanguageInfo> languages;  // index = language index
  std::size_t default_lang = 0;
  std::unordered_map<std::string, CatalogKey, StringHash, std::equal_to<>> catalog;
  std::vector<Trigger> triggers;
  std::vector<Alert> alerts;
  ServiceDirectory directory;
  std::string fingerprint;
  // Choice token -> its prompt, for naming a pressed button in transcripts.
  std::unordered_map<std::string, const ChoiceNode*, StringHash, std::equal_to<>> prompts;
  // Answers to yes/no questions: system.yes_words / system.no_words of every
  // loaded language, normalised, and each language's date order.
  std::vector<std::u32string> yes_words;
  std::vector<std::u32string> no_words;
  // system.commands.skip of every language: skips a question with `skip`.
  std::vector<std::u32string> skip_words;
  std::vector<DateOrder> date_order;  // per language index

  const Flow* find_flow(std::string_view id) const;
  // Language index of a loaded language code; -1 when not loaded.
  int language_index(std::string_view code) const;
  const CatalogKey* key(std::string_view key) const;
};

// The token of a choice prompt: 8 chars [a-z0-9] from the flow id, node id
// and flow version, so a button of an older prompt (or an older version of
// the flow) is told apart from the current one. Defined in nodes/choice.cpp.
std::string choice_token(std::string_view flow, std::string_view node, int version);

// Compiles one catalog text for language `lang` (ICU MessageFormat, named
// arguments only; a text without arguments is formatted once, here). The
// error says what is wrong and where. Defined in catalog.cpp.
Result<std::unique_ptr<Message>> compile_message(const std::string& text, const std::string& lang);

// Formats `m` with `args`; thread-safe. Defined in catalog.cpp.
std::string format_message(const Message& m, const Args& args);

}  // namespace ponte::engine
