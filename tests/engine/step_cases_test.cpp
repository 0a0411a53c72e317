// The engine's behaviour as data: tests/engine/data/<behaviour>.json holds
// cases (a flow set, a starting state, events, and what each event must
// produce), run here by one TEST_P, named after each case's description.
// Between events the state is written to JSON and read back, as storage
// does. PONTE_UPDATE_CASES=1 rewrites the expectations: read the diff.
#include "bot/engine/flow_model.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

namespace ponte::engine::testing {
namespace {

using nlohmann::json;

struct Case {
  std::filesystem::path file;
  std::size_t index = 0;
  std::string name;
};

json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(test_data())) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const json doc = read_json(f);
    for (std::size_t i = 0; i < doc.size(); ++i) {
      std::string name = f.stem().string() + "_" + doc[i].at("description").get<std::string>();
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      cases.push_back(Case{f, i, name});
    }
  }
  return cases;
}

std::shared_ptr<const FlowSet> flow_set(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const FlowSet>> cache;
  auto& set = cache[name];
  if (!set) set = load_set(test_data() / name);
  return set;
}

json reply_json(const OutboundMessage& m) {
  json r{{"text", m.text}, {"lang", m.lang}};
  if (m.rtl) r["rtl"] = true;
  if (!m.choices.empty()) {
    json choices = json::array();
    for (const auto& c : m.choices) choices.push_back({c.id, c.label});
    r["choices"] = choices;
  }
  return r;
}

json effect_json(const Effect& e) {
  if (std::holds_alternative<Erase>(e)) return {{"erase", true}};
  if (const auto* f = std::get_if<FollowUp>(&e)) {
    return {{"follow_up",
             {{"due_ms", to_unix_ms(f->due)},
              {"text_key", f->text_key},
              {"flow", f->flow},
              {"node", f->node}}}};
  }
  const auto& h = std::get<Handoff>(e);
  return {{"handoff",
           {{"topic", h.topic},
            {"priority", std::string(to_string(h.priority))},
            {"reason", h.reason},
            {"summary", h.summary},
            {"text_key", h.text_key},
            {"lang", h.lang},
            {"reply_index", h.reply_index}}}};
}

// "token": "@last" (the default) is the token of the last prompt sent, or,
// before any, of the prompt the starting state waits at.
InboundEvent event_from(const json& j, std::string last_token, const ConversationState& state) {
  if (last_token.empty()) last_token = choice_token(state.flow, state.node, state.flow_version);
  InboundEvent e;
  const std::string type = j.at("type");
  e.kind = type == "text"     ? EventKind::text
           : type == "choice" ? EventKind::choice
           : type == "start"  ? EventKind::start
                              : EventKind::media;
  e.text = j.value("text", "");
  e.choice_id = j.value("choice", "");
  e.choice_token = j.value("token", "@last");
  if (e.choice_token == "@last") e.choice_token = last_token;
  e.language_hint = j.value("lang", "");
  return e;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class StepCases : public ::testing::TestWithParam<Case> {};

TEST_P(StepCases, Run) {
  const Case& c = GetParam();
  json doc = read_json(c.file);
  json& tc = doc[c.index];
  const auto set = flow_set(tc.at("flows"));
  ASSERT_TRUE(set);
  json state_json = tc.value("state", json::object());
  std::string last_token;
  const TimePoint now = from_unix_ms(tc.value("now_ms", std::int64_t{0}));
  json actual = json::array();
  for (const auto& ev : tc.at("events")) {
    // storage keeps the state as JSON text between events
    ConversationState state = json::parse(state_json.dump()).get<ConversationState>();
    const StepResult r = step(*set, state, event_from(ev, last_token, state), now);
    json out{{"replies", json::array()}, {"effects", json::array()}, {"notes", json::array()}};
    for (const auto& m : r.replies) {
      out["replies"].push_back(reply_json(m));
      if (!m.choice_token.empty()) last_token = m.choice_token;
    }
    for (const auto& e : r.effects) out["effects"].push_back(effect_json(e));
    for (const auto& n : r.notes) out["notes"].push_back(n.code);
    state_json = r.state;
    out["state"] = state_json;
    actual.push_back(out);
  }
  if (std::getenv("PONTE_UPDATE_CASES") != nullptr) {
    tc["expect"] = actual;
    std::ofstream(c.file) << doc.dump(2) << "\n";
    return;
  }
  const json& expect = tc.at("expect");
  ASSERT_EQ(expect.size(), actual.size()) << "one expectation per event";
  for (std::size_t i = 0; i < expect.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i) + ": " + tc["events"][i].dump());
    for (const char* k : {"replies", "effects", "notes"}) {
      EXPECT_EQ(expect[i].value(k, json::array()), actual[i][k]) << k;
    }
    const json expected_state = expect[i].value("state", json::object());
    for (const auto& [k, v] : expected_state.items()) {
      EXPECT_EQ(v, actual[i]["state"][k]) << "state." << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engine, StepCases, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ponte::engine::testing
