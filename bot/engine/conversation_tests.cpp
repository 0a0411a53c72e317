// The conversation test runner (see conversation_tests.hpp).
#include "bot/engine/conversation_tests.hpp"

#include "bot/engine/flow_model.hpp"
#include "bot/engine/step.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ponte::engine {
namespace {

using nlohmann::json;

// Thrown only inside this file, for a test file of the wrong shape; caught
// per test and reported as that test's failure.
struct BadTest {
  std::string message;
};

std::string json_quoted(std::string_view s) { return json(std::string(s)).dump(); }

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_string()) throw BadTest{std::string("\"") + key + "\" must be a text"};
  return it->get<std::string>();
}

std::string describe(const OutboundMessage& m) {
  std::string out = json_quoted(m.text);
  if (!m.choices.empty()) {
    out += " [";
    for (std::size_t i = 0; i < m.choices.size(); ++i) {
      out += (i ? " | " : "") + m.choices[i].label;
    }
    out += "]";
  }
  return out;
}

std::string effect_name(const Effect& e) {
  if (std::holds_alternative<Handoff>(e)) return "handoff";
  if (std::holds_alternative<FollowUp>(e)) return "follow_up";
  return "erase";
}

// Whether `got` is what `want` describes; `why` says what differs.
bool matches(const FlowSet& flows, const json& want, const OutboundMessage& got,
             std::string& expected) {
  if (!want.is_object()) throw BadTest{"each expected reply must be an object"};
  bool ok = true;
  if (const std::string key = str(want, "key"); !key.empty()) {
    const std::string text = render(flows, got.lang, key);
    expected = "[" + key + "] " + (text.empty() ? "(no such text)" : json_quoted(text));
    ok = !text.empty() && text == got.text;
  } else if (want.contains("text")) {
    expected = json_quoted(str(want, "text"));
    ok = str(want, "text") == got.text;
  } else if (want.contains("contains")) {
    expected = "containing " + json_quoted(str(want, "contains"));
    ok = got.text.find(str(want, "contains")) != std::string::npos;
  } else {
    throw BadTest{"an expected reply needs \"key\", \"text\" or \"contains\""};
  }
  if (const auto it = want.find("choices"); it != want.end()) {
    if (!it->is_array()) throw BadTest{"\"choices\" must be a list of labels"};
    std::vector<std::string> labels;
    for (const auto& c : got.choices) labels.push_back(c.label);
    std::vector<std::string> wanted;
    expected += " [";
    for (const auto& c : *it) {
      if (!c.is_string()) throw BadTest{"\"choices\" must be a list of labels"};
      expected += (wanted.empty() ? "" : " | ") + c.get<std::string>();
      wanted.push_back(c.get<std::string>());
    }
    expected += "]";
    ok = ok && labels == wanted;
  }
  return ok;
}

InboundEvent event_for(const json& step, const std::string& lang, const std::string& token) {
  InboundEvent e;
  e.language_hint = lang;
  if (step.contains("send")) {
    e.kind = EventKind::text;
    e.text = str(step, "send");
  } else if (step.contains("press")) {
    e.kind = EventKind::choice;
    e.choice_id = str(step, "press");
    e.choice_token = token;
  } else if (step.value("media", false)) {
    e.kind = EventKind::media;
  } else {
    throw BadTest{"a step needs \"send\", \"press\" or \"media\""};
  }
  return e;
}

std::string step_name(const json& step) {
  if (step.contains("send")) return "send " + step["send"].dump();
  if (step.contains("press")) return "press " + step["press"].dump();
  return "media";
}

// Runs one test; returns the empty string when it passed, else the diff.
std::string run_one(const FlowSet& flows, const json& test) {
  if (!test.is_object()) throw BadTest{"each test must be an object"};
  const std::string lang = str(test, "lang");
  ConversationState state;
  std::string token;  // of the last prompt: what "press" presses
  if (const auto it = test.find("contact"); it != test.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) state.contact[k] = v.get<std::string>();
    }
  }
  if (!lang.empty() && state.contact.count("language") == 0 && flows.language_index(lang) >= 0) {
    state.contact["language"] = lang;
  }
  if (const std::string flow = str(test, "flow"); !flow.empty()) {
    // The conversation already waits at the flow's first prompt.
    if (flows.find_flow(flow) == nullptr) throw BadTest{"no flow " + json_quoted(flow)};
    state = start_flow(flows, std::move(state), flow, lang, TimePoint{}).state;
    token = state.waiting ? choice_token(state.flow, state.node, state.flow_version) : "";
  }
  const auto steps = test.find("steps");
  if (steps == test.end() || !steps->is_array()) throw BadTest{"a test needs \"steps\": [...]"};
  std::ostringstream diff;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const json& step = (*steps)[i];
    if (!step.is_object()) throw BadTest{"each step must be an object"};
    state = json::parse(json(state).dump()).get<ConversationState>();
    StepResult r = engine::step(flows, std::move(state), event_for(step, lang, token), TimePoint{});
    state = std::move(r.state);
    for (const auto& m : r.replies) {
      if (!m.choice_token.empty()) token = m.choice_token;
    }
    bool ok = true;
    std::vector<std::string> expected;
    const auto want = step.find("expect");
    if (want != step.end()) {
      if (!want->is_array()) throw BadTest{"\"expect\" must be a list of replies"};
      ok = want->size() == r.replies.size();
      for (std::size_t k = 0; k < want->size(); ++k) {
        std::string e;
        const bool same = k < r.replies.size()
                              ? matches(flows, (*want)[k], r.replies[k], e)
                              : (matches(flows, (*want)[k], OutboundMessage{}, e), false);
        ok = ok && same;
        expected.push_back((same ? "  " : "- ") + std::to_string(k + 1) + ". " + e);
      }
    }
    std::string effects_line;
    if (const auto it = step.find("effects"); it != step.end()) {
      std::vector<std::string> got, wanted;
      for (const auto& e : r.effects) got.push_back(effect_name(e));
      for (const auto& e : *it) wanted.push_back(e.is_string() ? e.get<std::string>() : e.dump());
      if (got != wanted) {
        ok = false;
        effects_line =
            "  effects: expected " + json(wanted).dump() + ", got " + json(got).dump() + "\n";
      }
    }
    std::string at_line;
    if (const std::string at = str(step, "at"); !at.empty()) {
      const std::string now = state.flow + "/" + state.node;
      if (now != at) {
        ok = false;
        at_line = "  at: expected " + at + ", got " + now + "\n";
      }
    }
    if (ok) continue;
    diff << "  step " << i + 1 << " (" << step_name(step) << "):\n";
    if (want != step.end()) {
      diff << "  expected:\n";
      for (const auto& e : expected) diff << "  " << e << "\n";
      diff << "  got:\n";
      for (std::size_t k = 0; k < r.replies.size(); ++k) {
        diff << "  + " << k + 1 << ". " << describe(r.replies[k]) << "\n";
      }
      if (r.replies.empty()) diff << "    (no reply)\n";
    }
    diff << effects_line << at_line;
    return diff.str();  // later steps would only repeat the confusion
  }
  return {};
}

}  // namespace

ConversationTestReport run_conversation_tests(const FlowSet& flows, std::string_view json_text,
                                              const std::string& shown_name) {
  ConversationTestReport report;
  report.files = 1;
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    ++report.failed;
    report.output += "FAIL " + shown_name + ": not valid JSON: " + e.what() + "\n";
    return report;
  }
  if (!doc.is_array()) {
    ++report.failed;
    report.output += "FAIL " + shown_name + ": expected a list of tests [{\"name\": ...}]\n";
    return report;
  }
  for (std::size_t i = 0; i < doc.size(); ++i) {
    std::string name = "#" + std::to_string(i + 1);
    std::string diff;
    try {
      if (doc[i].is_object() && doc[i].contains("name") && doc[i]["name"].is_string()) {
        name = doc[i]["name"].get<std::string>();
      }
      diff = run_one(flows, doc[i]);
    } catch (const BadTest& bad) {
      diff = "  " + bad.message + "\n";
    } catch (const json::exception& e) {
      diff = std::string("  ") + e.what() + "\n";
    }
    if (diff.empty()) {
      ++report.passed;
      report.output += "ok   " + shown_name + ": " + name + "\n";
    } else {
      ++report.failed;
      report.output += "FAIL " + shown_name + ": " + name + "\n" + diff;
    }
  }
  return report;
}

ConversationTestReport run_conversation_tests(const FlowSet& flows,
                                              const std::filesystem::path& dir) {
  ConversationTestReport total;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto r = run_conversation_tests(flows, text.str(), file.generic_string());
    total.files += r.files;
    total.passed += r.passed;
    total.failed += r.failed;
    total.output += r.output;
  }
  return total;
}

}  // namespace ponte::engine
