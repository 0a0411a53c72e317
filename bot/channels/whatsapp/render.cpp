// WhatsApp sending side: a neutral message becomes one or more Cloud API
// calls. Choices map by count (platforms.md, "Mapping"): 1-3 reply buttons,
// 4-10 a list, more as numbered text. Every length is counted in UTF-16
// units and every cut falls on a word or grapheme boundary (text_split), so
// Arabic, emoji and long labels stay valid and within Meta's limits. Text is
// plain: WhatsApp has no escaping, so nothing is escaped.
#include "bot/channels/json_body.hpp"
#include "bot/channels/text_split.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <set>

namespace ponte::channels::whatsapp {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxText = 4096;
constexpr std::size_t kMaxBody = 1024;    // interactive body
constexpr std::size_t kPromptCut = 1000;  // fallback prompt length
constexpr std::size_t kMaxButtons = 3;
constexpr std::size_t kMaxRows = 10;
constexpr std::size_t kMaxButtonTitle = 20;  // reply button title, list button label
constexpr std::size_t kMaxRowTitle = 24;
constexpr std::size_t kMaxRowDescription = 72;
constexpr std::size_t kMaxButtonId = 256;
constexpr std::size_t kMaxRowId = 200;
constexpr std::string_view kEllipsis = "\u2026";  // one UTF-16 unit
// Meta requires a body; a choice prompt without text gets a neutral mark.
constexpr std::string_view kEmptyBody = "\u2026";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// One line of text within `max` UTF-16 units: control whitespace becomes a
// space; a longer label is cut at a word (else grapheme) boundary and ends
// with "…".
std::string shorten(std::string_view label, std::size_t max, std::string_view lang) {
  std::string line(label);
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  line = trim(line);
  if (utf16_length(line) <= max) return line;
  auto parts = split_text(line, max - utf16_length(kEllipsis), lang);
  return parts.front() + std::string(kEllipsis);
}

std::string label_of(const Choice& choice) {
  std::string label = trim(choice.label);
  return label.empty() ? choice.id : label;
}

struct Titles {
  std::vector<std::string> names;
  bool numbered = false;
};

// Titles within `max`, unique: when two shortened titles collide, every
// title gets its number ("1. ", "2. "...), which makes them distinct.
Titles titles(const std::vector<Choice>& choices, std::size_t max, std::string_view lang) {
  Titles out;
  std::set<std::string> seen;
  bool unique = true;
  for (const auto& choice : choices) {
    out.names.push_back(shorten(label_of(choice), max, lang));
    unique = seen.insert(out.names.back()).second && unique;
  }
  if (unique) return out;
  out.numbered = true;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const std::string number = std::to_string(i + 1) + ". ";
    out.names[i] = number + shorten(label_of(choices[i]), max - utf16_length(number), lang);
  }
  return out;
}

// Choice refs for the buttons or rows, or nullopt when one is too long or
// two are equal (Meta rejects both): the caller falls back to numbered text.
std::optional<std::vector<std::string>> refs(const OutboundMessage& msg, std::size_t max) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& choice : msg.choices) {
    auto ref = encode_choice_ref(msg.choice_token, choice.id);
    if (ref.size() > max || !seen.insert(ref).second) return std::nullopt;
    out.push_back(std::move(ref));
  }
  return out;
}

// The last sentence of a long text (usually the question), trimmed.
std::string last_sentence(std::string_view text, std::string_view lang) {
  const auto utf16 = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const std::string tag(lang);
  auto locale = icu::Locale::forLanguageTag(tag.c_str(), status);
  if (U_FAILURE(status)) locale = icu::Locale::getRoot();
  status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(locale, status));
  if (U_FAILURE(status) || !it) return {};
  it->setText(utf16);
  for (int32_t end = it->last(); end != icu::BreakIterator::DONE;) {
    const int32_t start = it->previous();
    if (start == icu::BreakIterator::DONE) break;
    std::string sentence;
    utf16.tempSubStringBetween(start, end).toUTF8String(sentence);
    sentence = trim(sentence);
    if (!sentence.empty()) return sentence;
    end = start;
  }
  return {};
}

std::string prompt_for(const OutboundMessage& msg) {
  auto sentence = last_sentence(msg.text, msg.lang);
  if (!sentence.empty() && utf16_length(sentence) <= kMaxBody) return sentence;
  return split_text(msg.text, kPromptCut, msg.lang).front();
}

json envelope(std::string_view to) {
  json body = {{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}};
  bool digits = !to.empty();
  for (const char c : to) digits = digits && c >= '0' && c <= '9';
  if (to.find('.') != std::string_view::npos) {
    body["recipient"] = to;  // business-scoped user id ("US.1349...")
  } else {
    // Without '+' Meta would prepend our own number's country code.
    body["to"] = digits ? "+" + std::string(to) : std::string(to);
  }
  return body;
}

void add_texts(std::vector<ApiCall>& calls, std::string_view text, std::string_view lang,
               std::string_view to) {
  for (auto& part : split_text(text, kMaxText, lang)) {
    if (trim(part).empty()) continue;
    json body = envelope(to);
    body["type"] = "text";
    body["text"] = {{"body", std::move(part)}, {"preview_url", false}};
    calls.push_back({"messages", dump_compact(body)});
  }
}

// `text` followed by one "N. label" line per choice.
std::string numbered(std::string out, const OutboundMessage& msg) {
  for (std::size_t i = 0; i < msg.choices.size(); ++i) {
    if (!out.empty()) out += '\n';
    out += std::to_string(i + 1) + ". " + label_of(msg.choices[i]);
  }
  return out;
}

json buttons_action(const std::vector<std::string>& ids, const std::vector<std::string>& names) {
  json buttons = json::array();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    buttons.push_back({{"type", "reply"}, {"reply", {{"id", ids[i]}, {"title", names[i]}}}});
  }
  return {{"buttons", std::move(buttons)}};
}

json list_action(const OutboundMessage& msg, const std::vector<std::string>& ids,
                 const std::vector<std::string>& names, const std::string& button) {
  json rows = json::array();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    json row = {{"id", ids[i]}, {"title", names[i]}};
    const std::string label = shorten(label_of(msg.choices[i]), kMaxRowDescription, msg.lang);
    if (label != names[i]) row["description"] = label;  // the title was cut or numbered
    rows.push_back(std::move(row));
  }
  return {{"button", button},
          {"sections", json::array({{{"title", button}, {"rows", std::move(rows)}}})}};
}

}  // namespace

std::vector<ApiCall> render(const OutboundMessage& msg, std::string_view to,
                            std::string_view list_button_label) {
  std::vector<ApiCall> calls;
  if (!msg.ack_callback_id.empty()) return calls;  // Telegram-only acknowledgement
  const std::size_t n = msg.choices.size();
  const std::string button = shorten(list_button_label, kMaxButtonTitle, msg.lang);
  std::optional<std::vector<std::string>> ids;
  if (n >= 1 && n <= kMaxButtons) ids = refs(msg, kMaxButtonId);
  if (n > kMaxButtons && n <= kMaxRows && !button.empty()) ids = refs(msg, kMaxRowId);
  if (!ids) {
    add_texts(calls, n == 0 ? msg.text : numbered(msg.text, msg), msg.lang, to);
    return calls;
  }

  std::string body_text = trim(msg.text);
  if (utf16_length(body_text) > kMaxBody) {
    add_texts(calls, msg.text, msg.lang, to);
    body_text = prompt_for(msg);
  }
  const bool buttons = n <= kMaxButtons;
  const auto names = titles(msg.choices, buttons ? kMaxButtonTitle : kMaxRowTitle, msg.lang);
  if (buttons && names.numbered) {
    // Buttons shortened alike ("1. Ufficio…", "2. Ufficio…") tell nothing
    // apart: the full labels go into the body when they fit.
    auto with_labels = numbered(body_text, msg);
    if (utf16_length(with_labels) <= kMaxBody) body_text = std::move(with_labels);
  }
  if (body_text.empty()) body_text = kEmptyBody;
  json interactive = {{"body", {{"text", std::move(body_text)}}}};
  if (buttons) {
    interactive["type"] = "button";
    interactive["action"] = buttons_action(*ids, names.names);
  } else {
    interactive["type"] = "list";
    interactive["action"] = list_action(msg, *ids, names.names, button);
  }
  json body = envelope(to);
  body["type"] = "interactive";
  body["interactive"] = std::move(interactive);
  calls.push_back({"messages", dump_compact(body)});
  return calls;
}

ApiCall mark_read(std::string_view message_id) {
  const json body = {
      {"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", message_id}};
  return {"messages", dump_compact(body)};
}

ApiCall render_template(std::string_view to, std::string_view name, std::string_view lang,
                        const std::vector<std::string>& params) {
  json tmpl = {{"name", name}, {"language", {{"code", lang}}}};
  if (!params.empty()) {
    json parameters = json::array();
    for (const auto& p : params) parameters.push_back({{"type", "text"}, {"text", p}});
    tmpl["components"] = json::array({{{"type", "body"}, {"parameters", std::move(parameters)}}});
  }
  json body = envelope(to);
  body["type"] = "template";
  body["template"] = std::move(tmpl);
  return {"messages", dump_compact(body)};
}

}  // namespace ponte::channels::whatsapp
