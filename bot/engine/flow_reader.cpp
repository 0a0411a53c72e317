// Reading flowset.json and flows/<id>.json into the model. Kind-specific
// keys are read by the kind's own file (nodes/); this file reads what every
// flow and node shares and reports duplicates.
#include "bot/engine/loader.hpp"
#include "bot/engine/migrate/migrate.hpp"
#include "bot/engine/nodes/node_kind.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr int kMaxStepBudget = 10'000;

std::optional<nlohmann::json> read_versioned(const std::filesystem::path& path,
                                             const std::string& shown,
                                             std::span<const Migration> steps, FileContext& ctx) {
  std::optional<nlohmann::json> doc = read_json_file(path, shown, ctx);
  if (!doc) return std::nullopt;
  auto migrated = migrate(std::move(*doc), steps);
  if (!migrated) {
    ctx.error("/spec", migrated.error().message);
    return std::nullopt;
  }
  return std::move(*migrated);
}

// "triggers" and "alerts": {"<lang>": ["word", ...], ...}.
void read_words(Fields& f, std::string_view key, std::vector<Flow::TriggerWord>& out) {
  const nlohmann::json* triggers = f.object(key, Need::optional);
  if (triggers == nullptr) return;
  for (const auto& [lang, words] : triggers->items()) {
    const std::string pointer = f.pointer(key) + "/" + pointer_token(lang);
    if (!words.is_array()) {
      f.ctx().error(pointer, "expected an array of keywords");
      continue;
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (!words[i].is_string() || words[i].get_ref<const std::string&>().empty()) {
        f.ctx().error(pointer + "/" + std::to_string(i), "expected a keyword (a non-empty string)");
        continue;
      }
      out.push_back(
          Flow::TriggerWord{lang, words[i].get<std::string>(), pointer + "/" + std::to_string(i)});
    }
  }
}

// Provenance keys any node may carry: "sources", "reviewed", "verify".
// The tags' format is checked here, whether they are known in validate().
void read_provenance(Fields& f, Node& node) {
  if (const nlohmann::json* sources = f.array("sources", Need::optional)) {
    node.sources = read_source_tags(f.ctx(), *sources, f.pointer("sources"));
  }
  node.reviewed = f.string("reviewed", Need::optional);
  if (f.has("reviewed")) check_review_date(f.ctx(), node.reviewed, f.pointer("reviewed"));
  node.verify = f.string("verify", Need::optional);
  if (f.has("verify") && node.verify.empty()) {
    f.ctx().error(f.pointer("verify"),
                  "say why a human must check this node, or remove \"verify\"");
  }
}

void read_node(FileContext& ctx, const nlohmann::json& j, std::size_t i, Flow& flow) {
  Node node;
  node.pointer = "/nodes/" + std::to_string(i);
  Fields f(ctx, j, node.pointer);
  if (!f.is_object()) return;
  node.id = f.string("id", Need::required);
  const std::string kind = f.string("kind", Need::required);
  const NodeKindOps* ops = find_node_kind(kind);
  if (ops == nullptr) {
    if (!kind.empty()) {
      ctx.error(f.pointer("kind"), "unknown node kind " + did_you_mean(kind, node_kind_names()));
    }
    // Its other keys mean nothing without a kind; the id is still
    // registered so references to it do not report twice. The set fails
    // to load anyway, so the placeholder body never runs.
    node.body = EndNode{};
  } else {
    node.kind = ops->kind;
    ops->parse(f, node);
    read_provenance(f, node);
    f.finish();
  }
  node.line = ctx.positions.at(node.pointer).line;
  if (node.id.empty()) return;
  if (const auto it = flow.index.find(node.id); it != flow.index.end()) {
    const TextPos first = ctx.positions.at(flow.nodes[it->second].pointer);
    ctx.error(f.pointer("id"), "node id " + in_quotes(node.id) + " is already used at line " +
                                   std::to_string(first.line));
    return;
  }
  flow.index.emplace(node.id, flow.nodes.size());
  flow.nodes.push_back(std::move(node));
}

}  // namespace

bool is_set_file(const std::filesystem::path& name) {
  return name == "flowset.json" || name == "sources.json" || name == "services.json";
}

std::string shown_path(const std::filesystem::path& dir, const std::filesystem::path& file) {
  return (dir / file).lexically_normal().generic_string();
}

void load_settings(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st) {
  st.settings = st.context();
  const auto doc = read_versioned(flows_dir / "flowset.json", shown_path(flows_dir, "flowset.json"),
                                  settings_migrations(), st.settings);
  if (!doc) return;
  Fields f(st.settings, *doc, "");
  set.spec = f.integer("spec", Need::required).value_or(kCurrentSpec);
  set.start_flow = f.string("start_flow", Need::required);
  set.restart_flow = f.string("restart_flow", Need::required);
  set.operator_flow = f.string("operator_flow", Need::optional);
  if (const auto budget = f.integer("step_budget", Need::optional)) {
    if (*budget < 1 || *budget > kMaxStepBudget) {
      st.settings.error("/step_budget", "step_budget must be from 1 to 10000");
    } else {
      set.step_budget = *budget;
    }
  }
  f.finish();
}

void load_flows(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(flows_dir, ec)) {
    const auto& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".json" && !is_set_file(p.filename())) {
      files.push_back(p.filename());
    }
  }
  if (ec) {
    st.problems.push_back(Problem{Problem::Severity::error, flows_dir.generic_string(), 0, 0, "",
                                  "cannot list the flows folder: " + ec.message()});
    return;
  }
  std::sort(files.begin(), files.end());
  for (const auto& name : files) {
    FileContext ctx = st.context();
    const auto doc =
        read_versioned(flows_dir / name, shown_path(flows_dir, name), flow_migrations(), ctx);
    if (!doc) continue;
    Flow flow;
    flow.file = ctx.file;
    Fields f(ctx, *doc, "");
    f.allow("spec");
    flow.id = f.string("id", Need::required);
    flow.version = f.integer("version", Need::required).value_or(0);
    flow.start = f.string("start", Need::required);
    flow.searchable = f.boolean("searchable", Need::optional).value_or(false);
    if (const nlohmann::json* langs = f.array("transliterate", Need::optional)) {
      for (std::size_t i = 0; i < langs->size(); ++i) {
        if ((*langs)[i].is_string()) {
          flow.transliterate.push_back((*langs)[i].get<std::string>());
        } else {
          ctx.error(f.pointer("transliterate") + "/" + std::to_string(i),
                    "expected a language code such as \"ar\"");
        }
      }
    }
    read_words(f, "triggers", flow.triggers);
    read_words(f, "alerts", flow.alerts);
    if (const nlohmann::json* nodes = f.array("nodes", Need::required)) {
      if (nodes->empty()) ctx.error("/nodes", "a flow needs at least one node");
      for (std::size_t i = 0; i < nodes->size(); ++i) read_node(ctx, (*nodes)[i], i, flow);
    }
    f.finish();
    if (flow.id.empty()) continue;
    if (const auto it = set.flows.find(flow.id); it != set.flows.end()) {
      ctx.error("/id", "flow id " + in_quotes(flow.id) + " is already used by " + it->second.file);
      continue;
    }
    st.flow_files.emplace(flow.id, std::move(ctx));
    std::string id = flow.id;
    set.flows.emplace(std::move(id), std::move(flow));
  }
}

}  // namespace ponte::engine
