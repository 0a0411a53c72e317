// ponte flows test | coverage | graph, and ponte chat (see flows_cli.hpp).
#include "bot/server/flows_cli.hpp"

#include "bot/engine/authoring.hpp"
#include "bot/engine/conversation_tests.hpp"
#include "bot/engine/state.hpp"
#include "bot/engine/step.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <optional>

namespace ponte::server {
namespace {

constexpr const char* kFlowsUsage =
    "usage: ponte flows test                       run flows/tests/*.json\n"
    "       ponte flows coverage                   translated share per language\n"
    "       ponte flows graph FLOW [--lang L] [--dot]   Mermaid (or Graphviz) picture\n"
    "       ponte chat [--lang L] [--flow F]       talk to the flows in the terminal\n";

// --name value pairs and flags after the command words; the rest are
// positional. Unknown options are errors.
struct Args {
  std::vector<std::string> positional;
  std::string lang, flow;
  bool dot = false;
};

std::optional<Args> parse_args(const std::vector<std::string>& words, std::size_t from) {
  Args a;
  for (std::size_t i = from; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--lang" || w == "--flow") {
      if (i + 1 >= words.size()) return std::nullopt;
      (w == "--lang" ? a.lang : a.flow) = words[++i];
    } else if (w == "--dot") {
      a.dot = true;
    } else if (w.rfind("--", 0) == 0) {
      std::cerr << "ponte: unknown option " << w << "\n";
      return std::nullopt;
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

std::shared_ptr<const engine::FlowSet> load(const Config& config) {
  auto report = engine::load_flow_set(config.flows_dir, config.locales_dir);
  for (const auto& p : report.problems) {
    if (p.severity == engine::Problem::Severity::error) std::cerr << engine::to_string(p) << "\n";
  }
  if (!report.ok()) std::cerr << "ponte: the flows are invalid (see `ponte flows check`)\n";
  return report.flows;
}

int test(const Config& config) {
  const auto flows = load(config);
  if (!flows) return 1;
  const auto report = engine::run_conversation_tests(*flows, config.flows_dir / "tests");
  std::cout << report.output;
  std::cout << "flows test: " << report.passed << " passed, " << report.failed << " failed in "
            << report.files << " file(s)\n";
  return report.ok() ? 0 : 1;
}

int coverage(const Config& config) {
  const auto flows = load(config);
  if (!flows) return 1;
  for (const auto& c : engine::coverage(*flows)) {
    const double share = c.total == 0 ? 100.0 : 100.0 * double(c.translated) / double(c.total);
    std::cout << c.lang << "  " << std::fixed << std::setprecision(1) << share << "%  ("
              << c.translated << "/" << c.total << ")\n";
    for (const auto& key : c.missing) std::cout << "    missing " << key << "\n";
  }
  return 0;
}

int graph(const Config& config, const Args& args) {
  if (args.positional.size() != 1) {
    std::cerr << kFlowsUsage;
    return 2;
  }
  const auto flows = load(config);
  if (!flows) return 1;
  const std::string lang = args.lang.empty() ? engine::default_language(*flows) : args.lang;
  const auto text =
      engine::graph(*flows, args.positional[0], lang,
                    args.dot ? engine::GraphFormat::dot : engine::GraphFormat::mermaid);
  if (!text) {
    std::cerr << "ponte: no flow \"" << args.positional[0] << "\" or no language \"" << lang
              << "\"\n";
    return 1;
  }
  std::cout << *text;
  return 0;
}

std::string utc(TimePoint t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

void show(const engine::FlowSet& flows, const engine::StepResult& r, std::ostream& out) {
  std::size_t handoffs = 0;
  for (std::size_t i = 0; i <= r.replies.size(); ++i) {
    // A handoff's confirmation goes where the engine said (the server would
    // know the queue position; here the person is first).
    for (const auto& e : r.effects) {
      const auto* h = std::get_if<engine::Handoff>(&e);
      if (h == nullptr || h->reply_index != i) continue;
      ++handoffs;
      out << "  [handoff: topic " << h->topic << ", priority " << engine::to_string(h->priority)
          << (h->reason.empty() ? "" : ", reason: " + h->reason) << "]\n";
      if (!h->text_key.empty()) {
        out << "ponte> " << engine::render(flows, h->lang, h->text_key, {{"position", 1}}) << "\n";
      }
    }
    if (i == r.replies.size()) break;
    const auto& m = r.replies[i];
    out << "ponte> " << m.text << "\n";
    for (std::size_t k = 0; k < m.choices.size(); ++k) {
      out << "    " << k + 1 << ") " << m.choices[k].label << "\n";
    }
  }
  for (const auto& e : r.effects) {
    if (const auto* f = std::get_if<engine::FollowUp>(&e)) {
      out << "  [follow-up at " << utc(f->due) << ": " << f->text_key << "]\n";
    } else if (std::holds_alternative<engine::Erase>(e)) {
      out << "  [erase: the person's data would be deleted now]\n";
    }
  }
  for (const auto& n : r.notes) out << "  (note " << n.code << ": " << n.message << ")\n";
}

void show_vars(const engine::ConversationState& s, std::ostream& out) {
  out << "  at " << (s.flow.empty() ? "(not started)" : s.flow + "/" + s.node)
      << (s.waiting ? ", waiting" : "") << (s.ended ? ", ended" : "") << "\n";
  out << "  contact " << nlohmann::json(s.contact).dump() << "\n";
  out << "  vars    " << nlohmann::json(s.vars).dump() << "\n";
}

}  // namespace

int flows_command(const Config& config, const std::vector<std::string>& words) {
  const auto args = parse_args(words, 2);
  if (!args || words.size() < 2) {
    std::cerr << kFlowsUsage;
    return 2;
  }
  const std::string& what = words[1];
  if (what == "test" && args->positional.empty()) return test(config);
  if (what == "coverage" && args->positional.empty()) return coverage(config);
  if (what == "graph") return graph(config, *args);
  std::cerr << kFlowsUsage;
  return 2;
}

int run_chat(std::shared_ptr<const engine::FlowSet> flows, const ChatOptions& options,
             std::istream& in, std::ostream& out) {
  engine::ConversationState state;
  std::string last_token;
  TimePoint now = std::chrono::system_clock::now();
  auto apply = [&](engine::StepResult r) {
    show(*flows, r, out);
    for (const auto& m : r.replies) {
      if (!m.choice_token.empty()) last_token = m.choice_token;
    }
    state = std::move(r.state);
  };
  auto begin = [&] {
    state = {};
    last_token.clear();
    if (!options.lang.empty()) state.contact["language"] = options.lang;
    if (!options.flow.empty()) {
      apply(engine::start_flow(*flows, std::move(state), options.flow, options.lang, now));
    }
  };
  if (!options.lang.empty() && engine::language_info(*flows, options.lang) == nullptr) {
    out << "no language \"" << options.lang << "\" in locales/languages.json\n";
    return 2;
  }
  out << "ponte chat: type as the person would. /press ID presses a button, /vars shows what "
         "Ponte knows, /lang L switches language, /reset starts over, /quit ends.\n";
  begin();
  std::string line;
  while (out << "you> " << std::flush, std::getline(in, line)) {
    now = std::chrono::system_clock::now();
    InboundEvent ev;
    ev.language_hint = options.lang;
    if (line == "/quit" || line == "/exit") break;
    if (line == "/reset") {
      out << "  (new conversation)\n";
      begin();
      continue;
    }
    if (line == "/vars") {
      show_vars(state, out);
      continue;
    }
    if (line.rfind("/lang", 0) == 0) {
      const std::string code = line.size() > 6 ? line.substr(6) : "";
      if (engine::language_info(*flows, code) == nullptr) {
        out << "  no language \"" << code << "\"\n";
        continue;
      }
      state.contact["language"] = code;
      out << "  (language " << code << ")\n";
      continue;
    }
    if (line.rfind("/press ", 0) == 0) {
      ev.kind = EventKind::choice;
      ev.choice_token = last_token;
      ev.choice_id = line.substr(7);
    } else if (line == "/photo") {
      ev.kind = EventKind::media;
    } else {
      ev.kind = EventKind::text;
      ev.text = line;
    }
    // As storage does: the state goes through JSON between messages.
    state = nlohmann::json::parse(nlohmann::json(state).dump()).get<engine::ConversationState>();
    apply(engine::step(*flows, std::move(state), ev, now));
  }
  out << "\n";
  return 0;
}

int chat(const Config& config, const std::vector<std::string>& words) {
  const auto args = parse_args(words, 1);
  if (!args || !args->positional.empty()) {
    std::cerr << kFlowsUsage;
    return 2;
  }
  const auto flows = load(config);
  if (!flows) return 1;
  return run_chat(flows, ChatOptions{args->lang, args->flow}, std::cin, std::cout);
}

}  // namespace ponte::server
