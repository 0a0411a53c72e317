// One step in progress (see run.hpp). Replies are taken from texts rendered
// at load time; only messages with arguments reach ICU here.
#include "bot/engine/run.hpp"

namespace ponte::engine {

Run::Run(const FlowSet& flows, ConversationState state, TimePoint now) : flows_(flows), now_(now) {
  out_.state = std::move(state);
  lang_ = flows_.default_lang;
  flow_ = flows_.find_flow(out_.state.flow);
}

void Run::decide_language(std::string_view hint) {
  auto& contact = out_.state.contact;
  if (const auto it = contact.find("language"); it != contact.end()) {
    if (const int i = flows_.language_index(it->second); i >= 0) {
      lang_ = static_cast<std::size_t>(i);
      return;
    }
    note("unknown_language", "contact language \"" + it->second + "\" is not loaded");
  }
  const std::string_view primary = hint.substr(0, hint.find_first_of("-_"));
  std::string code(primary);
  for (char& c : code) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  const int i = flows_.language_index(code);
  lang_ = i >= 0 ? static_cast<std::size_t>(i) : flows_.default_lang;
  contact["language"] = lang_code();
}

OutboundMessage Run::message(std::string_view key, const Args& args) {
  OutboundMessage m;
  const CatalogKey* entry = flows_.key(key);
  const Message* text = entry != nullptr ? entry->get(lang_) : nullptr;
  if (text == nullptr) {
    note("missing_text", "no text \"" + std::string(key) + "\" in any language");
    m.lang = lang_code();
    m.rtl = flows_.languages[lang_].rtl;
    return m;
  }
  const auto used = static_cast<std::size_t>(entry->resolved[lang_]);
  if (used != lang_) {
    note("missing_translation", "\"" + std::string(key) + "\" has no " + lang_code() +
                                    " text; used " + flows_.languages[used].code);
  }
  m.text = text->has_args ? format_message(*text, args) : text->static_text;
  m.lang = flows_.languages[used].code;
  m.rtl = flows_.languages[used].rtl;
  return m;
}

void Run::say(std::string_view key) {
  if (key.empty()) return;
  OutboundMessage m = message(key);
  if (!m.text.empty()) out_.replies.push_back(std::move(m));
}

void Run::say(std::string_view key, const Args& args) {
  if (key.empty()) return;
  OutboundMessage m = message(key, args);
  if (!m.text.empty()) out_.replies.push_back(std::move(m));
}

void Run::send(OutboundMessage m) {
  if (!m.text.empty()) out_.replies.push_back(std::move(m));
}

void Run::prompt(const ChoiceNode& node) {
  OutboundMessage m = message(node.text);
  m.choice_token = node.token;
  m.choices.reserve(node.choices.size());
  for (const auto& option : node.choices) {
    const CatalogKey* entry = flows_.key(option.label);
    const Message* label = entry != nullptr ? entry->get(lang_) : nullptr;
    if (label == nullptr) {
      note("missing_text", "no label \"" + option.label + "\" in any language");
    }
    m.choices.push_back(Choice{option.id, label != nullptr ? label->static_text : option.id});
  }
  out_.replies.push_back(std::move(m));
}

void Run::apply(const Assignments& set) {
  for (const auto& [name, value] : set.contact) {
    out_.state.contact[name] = value;
    if (name != "language") continue;
    if (const int i = flows_.language_index(value); i >= 0) lang_ = static_cast<std::size_t>(i);
  }
  for (const auto& [name, value] : set.vars) out_.state.vars[name] = value;
}

void Run::ask(std::string_view key, std::vector<Choice> choices, std::string token) {
  OutboundMessage m = message(key);
  m.choices = std::move(choices);
  m.choice_token = std::move(token);
  out_.replies.push_back(std::move(m));
}

std::string Run::text(std::string_view key) { return message(key).text; }

void Run::handoff(Handoff h) { out_.effects.emplace_back(std::move(h)); }

void Run::effect(Effect e) { out_.effects.push_back(std::move(e)); }

void Run::note(std::string code, std::string message) {
  out_.notes.push_back(Note{std::move(code), std::move(message)});
}

void Run::move_to(std::string_view node_id) { out_.state.node = node_id; }

void Run::enter(std::string_view flow_id, std::string_view node_id) {
  auto& s = out_.state;
  flow_ = flows_.find_flow(flow_id);
  s.flow = flow_id;
  s.node = !node_id.empty() ? node_id : flow_ != nullptr ? std::string_view(flow_->start) : "";
  s.flow_version = flow_ != nullptr ? flow_->version : 0;
  s.waiting = false;
  s.ended = false;
  s.attempts = 0;
  s.offers.clear();
  s.offers_token.clear();
}

const Node* Run::current() const {
  return flow_ != nullptr ? flow_->find(out_.state.node) : nullptr;
}

void Run::clear_session() {
  out_.state.vars.clear();
  out_.state.stack.clear();
  out_.state.history.clear();
}

}  // namespace ponte::engine
