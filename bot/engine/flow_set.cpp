// load_flow_set() and the queries the server makes on a loaded set.
#include "bot/engine/flow_set.hpp"

#include "bot/engine/flow_model.hpp"
#include "bot/engine/loader.hpp"

#include <algorithm>
#include <cstdio>
#include <variant>

namespace ponte::engine {

const Node* Flow::find(std::string_view node_id) const {
  const auto it = index.find(node_id);
  return it == index.end() ? nullptr : &nodes[it->second];
}

const Flow* FlowSet::find_flow(std::string_view id) const {
  const auto it = flows.find(id);
  return it == flows.end() ? nullptr : &it->second;
}

int FlowSet::language_index(std::string_view code) const {
  for (std::size_t i = 0; i < languages.size(); ++i) {
    if (languages[i].code == code) return static_cast<int>(i);
  }
  return -1;
}

const CatalogKey* FlowSet::key(std::string_view k) const {
  const auto it = catalog.find(k);
  return it == catalog.end() ? nullptr : &it->second;
}

std::string to_string(const Problem& p) {
  // Appends rather than operator+ chains: GCC 12 at -O3 misreads those as
  // out-of-bounds copies and -Werror would fail Release builds.
  std::string out = p.file;
  if (p.line > 0) out.append(":").append(std::to_string(p.line));
  if (p.line > 0 && p.column > 0) out.append(":").append(std::to_string(p.column));
  if (p.severity == Problem::Severity::warning) out.append(": warning");
  if (!p.path.empty()) out.append(" ").append(p.path);
  return out.append(": ").append(p.message);
}

std::string to_string(const ReviewItem& item) {
  std::string out = item.file;
  if (item.line > 0) out.append(":").append(std::to_string(item.line));
  out.append(": ").append(item.what).append(": ").append(item.reason);
  if (!item.sources.empty()) {
    out.append(" [");
    for (std::size_t i = 0; i < item.sources.size(); ++i) {
      out.append(i == 0 ? "" : ", ").append(item.sources[i]);
    }
    out.append("]");
  }
  out.append(item.reviewed.empty() ? " not reviewed" : " reviewed " + item.reviewed);
  return out;
}

LoadReport load_flow_set(const std::filesystem::path& flows_dir,
                         const std::filesystem::path& locales_dir) {
  auto set = std::make_shared<FlowSet>();
  LoadState st;
  load_settings(flows_dir, *set, st);
  load_sources(flows_dir, st);
  load_services(flows_dir, *set, st);
  load_flows(flows_dir, *set, st);
  load_catalogs(locales_dir, *set, st);
  validate(*set, st);
  build_commands(*set, st);
  build_search(*set, st);
  check_paths(*set, st);

  LoadReport report;
  report.problems = std::move(st.problems);
  report.review = std::move(st.review);
  std::stable_sort(report.review.begin(), report.review.end(),
                   [](const ReviewItem& a, const ReviewItem& b) {
                     return std::tie(a.file, a.line) < std::tie(b.file, b.line);
                   });
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const Problem& a, const Problem& b) {
                     return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
                   });
  const bool failed =
      std::any_of(report.problems.begin(), report.problems.end(),
                  [](const auto& p) { return p.severity == Problem::Severity::error; });
  if (!failed) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(st.digest));
    set->fingerprint = hex;
    for (const auto& [id, flow] : set->flows) {
      for (const auto& node : flow.nodes) {
        if (const auto* choice = std::get_if<ChoiceNode>(&node.body)) {
          set->prompts.emplace(choice->token, choice);
        }
      }
    }
    report.flows = std::move(set);
  }
  return report;
}

std::string render(const FlowSet& flows, std::string_view lang, std::string_view key,
                   const Args& args) {
  const int i = flows.language_index(lang.substr(0, lang.find_first_of("-_")));
  const CatalogKey* entry = flows.key(key);
  if (entry == nullptr) return {};
  const Message* m = entry->get(i >= 0 ? static_cast<std::size_t>(i) : flows.default_lang);
  return m == nullptr ? std::string() : format_message(*m, args);
}

const LanguageInfo* language_info(const FlowSet& flows, std::string_view lang) {
  const int i = flows.language_index(lang);
  return i < 0 ? nullptr : &flows.languages[static_cast<std::size_t>(i)];
}

std::vector<LanguageInfo> languages(const FlowSet& flows) { return flows.languages; }

std::string default_language(const FlowSet& flows) {
  return flows.languages.empty() ? std::string() : flows.languages[flows.default_lang].code;
}

std::string fingerprint(const FlowSet& flows) { return flows.fingerprint; }

std::string choice_label(const FlowSet& flows, std::string_view token, std::string_view choice_id,
                         std::string_view lang) {
  const auto it = flows.prompts.find(token);
  if (it == flows.prompts.end()) {
    // The skip button of a question (rare: looked up node by node).
    for (const auto& [id, flow] : flows.flows) {
      for (const auto& node : flow.nodes) {
        const auto* q = std::get_if<QuestionNode>(&node.body);
        if (q != nullptr && !q->skip.empty() && q->token == token && choice_id == "skip") {
          return render(flows, lang, q->skip);
        }
      }
    }
    return {};
  }
  for (const auto& option : it->second->choices) {
    if (option.id == choice_id) return render(flows, lang, option.label);
  }
  return {};
}

}  // namespace ponte::engine
