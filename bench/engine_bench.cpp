// Engine benchmarks (Google Benchmark; never part of the test run):
//   step_choice      one step() at a choice node: a button press, the say it
//                    leads to, the menu again (the bundled flows);
//   search_500       one step() with a free-text question at a menu, searched
//                    among 500 answers (generated);
//   reload_200x5     load_flow_set() of 200 flows in 5 languages (generated).
// Targets: step < 5 us, search < 200 us, reload < 300 ms. Run with
// bench/engine.sh (Release); it reports medians of repeated runs.
#include "bot/engine/flow_set.hpp"
#include "bot/engine/step.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace ponte;

const char* const kLangs[] = {"it", "en", "fr", "ar", "es"};

const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = {
        "permesso",   "soggiorno", "rinnovo",    "questura",    "ricevuta",
        "medico",     "ospedale",  "tessera",    "sanitaria",   "scuola",
        "figli",      "lavoro",    "contratto",  "busta",       "paga",
        "sindacato",  "casa",      "affitto",    "dormitorio",  "residenza",
        "comune",     "anagrafe",  "codice",     "fiscale",     "passaporto",
        "ambasciata", "asilo",     "protezione", "commissione", "ricorso",
        "avvocato",   "corso",     "italiano",   "esame",       "patente",
        "banca",      "conto",     "bonus",      "famiglia",    "ricongiungimento",
        "matrimonio", "nascita",   "vaccino",    "farmacia",    "emergenza",
        "ambulanza",  "violenza",  "denuncia",   "polizia",     "tribunale"};
    // More distinct words, as a real set of 500 answers has.
    for (int i = 0; i < 1500; ++i) w.push_back("parola" + std::to_string(i));
    return w;
  }();
  return words;
}

std::string sentence(std::mt19937& rng, int words) {
  const auto& v = vocabulary();
  std::string out;
  for (int i = 0; i < words; ++i) {
    // Skewed towards the common words, as real texts are.
    const std::size_t pick = i % 3 == 0 ? rng() % 50 : static_cast<std::size_t>(rng() % v.size());
    out += (i ? " " : "") + v[pick];
  }
  return out + ".";
}

void write(const fs::path& p, const json& j) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << j.dump();
}

// `flows` flows of `answers_each` say nodes behind a menu, in `langs`
// languages; searchable when asked.
fs::path generate(const std::string& name, int flows, int answers_each, int langs,
                  bool searchable) {
  const fs::path root = fs::temp_directory_path() / ("ponte-bench-" + name);
  fs::remove_all(root);
  std::mt19937 rng(42);
  write(root / "flows" / "flowset.json",
        {{"spec", 1}, {"start_flow", "f0"}, {"restart_flow", "f0"}, {"operator_flow", "f0"}});
  json languages = json::object();
  for (int l = 0; l < langs; ++l) {
    languages[kLangs[l]] = {{"name", kLangs[l]}, {"fallback", json::array()}};
  }
  write(root / "locales" / "languages.json", {{"default", "it"}, {"languages", languages}});
  std::vector<json> catalogs(static_cast<std::size_t>(langs), json::object());
  for (int f = 0; f < flows; ++f) {
    const std::string id = "f" + std::to_string(f);
    json nodes = json::array();
    json choices = json::array();
    for (int a = 0; a < answers_each; ++a) {
      const std::string node = "a" + std::to_string(a);
      choices.push_back({{"id", node}, {"label", id + ".l" + std::to_string(a)}, {"next", node}});
    }
    nodes.push_back(
        {{"id", "menu"}, {"kind", "choice"}, {"text", id + ".menu"}, {"choices", choices}});
    for (int a = 0; a < answers_each; ++a) {
      nodes.push_back({{"id", "a" + std::to_string(a)},
                       {"kind", "say"},
                       {"text", id + ".t" + std::to_string(a)},
                       {"next", "menu"}});
    }
    nodes.push_back({{"id", "bye"}, {"kind", "end"}});
    json flow = {{"spec", 1}, {"id", id}, {"version", 1}, {"start", "menu"}, {"nodes", nodes}};
    flow["searchable"] = searchable;
    flow["nodes"][0]["choices"].push_back({{"id", "bye"}, {"label", id + ".bye"}, {"next", "bye"}});
    write(root / "flows" / (id + ".json"), flow);
    for (int l = 0; l < langs; ++l) {
      json texts = {{"menu", "Scegli: " + sentence(rng, 4)}, {"bye", "Fine"}};
      for (int a = 0; a < answers_each; ++a) {
        texts["l" + std::to_string(a)] = "Voce " + std::to_string(a);
        texts["t" + std::to_string(a)] = sentence(rng, 40);
      }
      catalogs[static_cast<std::size_t>(l)][id] = texts;
    }
  }
  for (int l = 0; l < langs; ++l) {
    json system = {{"not_understood", "Non ho capito."},
                   {"stale_choice", "Pulsante vecchio."},
                   {"media_received", "File ricevuto."},
                   {"search",
                    {{"results", "Forse cerchi:"},
                     {"none", "Nessuna risposta."},
                     {"operator", "Operatore"},
                     {"stop_words", "il, la, di, a, in, per, come, dove, mi, ho"}}}};
    catalogs[static_cast<std::size_t>(l)]["system"] = system;
    write(root / "locales" / kLangs[l] / "texts.json", catalogs[static_cast<std::size_t>(l)]);
  }
  return root;
}

std::shared_ptr<const engine::FlowSet> load(const fs::path& root) {
  auto report = engine::load_flow_set(root / "flows", root / "locales");
  if (!report.ok()) {
    for (const auto& p : report.problems) fprintf(stderr, "%s\n", engine::to_string(p).c_str());
    std::abort();
  }
  return report.flows;
}

engine::ConversationState at_menu(const std::string& flow, const std::string& node) {
  engine::ConversationState s;
  s.flow = flow;
  s.node = node;
  s.flow_version = 1;
  s.waiting = true;
  s.contact["language"] = "it";
  return s;
}

void step_choice(benchmark::State& state) {
  const auto flows = load(fs::path(PONTE_SOURCE_DIR));
  const auto start = at_menu("main", "menu");
  InboundEvent press;
  press.kind = EventKind::choice;
  press.choice_token = engine::step(*flows, start, InboundEvent{}, {}).replies.at(0).choice_token;
  press.choice_id = "health";
  for (auto _ : state) {
    auto r = engine::step(*flows, start, press, {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(step_choice)->Repetitions(9)->ReportAggregatesOnly(true);

void search_500(benchmark::State& state) {
  static const auto flows = load(generate("search", 50, 10, 1, true));
  const auto start = at_menu("f0", "menu");
  InboundEvent question;
  question.kind = EventKind::text;
  question.text = "come faccio il rinnovo del permesso di soggiorno in questura?";
  const auto probe = engine::step(*flows, start, question, {});
  if (probe.replies.empty() || probe.replies[0].choices.size() != 3) {
    state.SkipWithError("the question found no answers");
    return;
  }
  for (auto _ : state) {
    auto r = engine::step(*flows, start, question, {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(search_500)->Repetitions(9)->ReportAggregatesOnly(true);

void reload_200x5(benchmark::State& state) {
  static const fs::path root = generate("reload", 200, 3, 5, false);
  for (auto _ : state) {
    auto report = engine::load_flow_set(root / "flows", root / "locales");
    if (!report.ok()) state.SkipWithError("generated set invalid");
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(reload_200x5)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
