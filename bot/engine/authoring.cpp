// Coverage and graphs (see authoring.hpp).
#include "bot/engine/authoring.hpp"

#include "bot/engine/flow_model.hpp"
#include "bot/engine/nodes/node_kind.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxNodeText = 60;

bool counts(std::string_view key) {
  return key != "system.search.stop_words" && key != "system.date_order";
}

struct Edge {
  std::string from, to, label;
  bool dashed = false;  // to another flow, or a call's return point
};

std::string cut(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U) continue;
    if (++chars > kMaxNodeText) return text.substr(0, i) + "…";
  }
  return text;
}

std::string shown(const FlowSet& flows, std::string_view lang, std::string_view key) {
  if (key.empty()) return {};
  const int i = flows.language_index(lang);
  const CatalogKey* entry = flows.key(key);
  const Message* m = entry != nullptr && i >= 0 ? entry->get(static_cast<std::size_t>(i)) : nullptr;
  return m == nullptr ? std::string(key) : cut(m->has_args ? m->pattern : m->static_text);
}

std::string text_key(const Node& node) {
  return std::visit(
      [](const auto& body) -> std::string {
        if constexpr (requires { body.text; }) {
          return body.text;
        } else {
          return {};
        }
      },
      node.body);
}

std::vector<Edge> edges_of(const FlowSet& flows, const Node& node, std::string_view lang) {
  std::vector<Edge> out;
  auto to = [&](std::string target, std::string label = {}, bool dashed = false) {
    if (!target.empty()) out.push_back(Edge{node.id, std::move(target), std::move(label), dashed});
  };
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ChoiceNode>) {
          for (const auto& c : b.choices) to(c.next, shown(flows, lang, c.label));
        } else if constexpr (std::is_same_v<T, BranchNode>) {
          for (const auto& c : b.cases) to(c.next, c.when.source);
          to(b.otherwise, "else");
        } else if constexpr (std::is_same_v<T, QuestionNode>) {
          to(b.next, b.skip.empty() ? "answer" : "answer or skip");
          if (!b.on_fail.empty()) to(b.on_fail, "after " + std::to_string(b.retries) + " wrong");
        } else if constexpr (std::is_same_v<T, GotoNode>) {
          to("flow:" + b.flow, b.ret.empty() ? "jump" : "call", true);
          if (!b.ret.empty()) to(b.ret, "return", true);
        } else if constexpr (requires { b.next; }) {
          to(b.next);
        }
      },
      node.body);
  return out;
}

// Mermaid ids must be plain; flow node ids are [a-z0-9_] in practice, but
// nothing enforces it, so anything else becomes _.
std::string safe_id(std::string_view id) {
  std::string out = "n_";
  for (const char c : id) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return out;
}

std::string escape(std::string_view text, GraphFormat format) {
  std::string out;
  for (const char c : text) {
    if (c == '"') {
      out += format == GraphFormat::mermaid ? "#quot;" : "\\\"";
    } else if (c == '\\' && format == GraphFormat::dot) {
      out += "\\\\";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::vector<LanguageCoverage> coverage(const FlowSet& flows) {
  std::vector<LanguageCoverage> out;
  for (std::size_t lang = 0; lang < flows.languages.size(); ++lang) {
    LanguageCoverage c;
    c.lang = flows.languages[lang].code;
    for (const auto& [key, entry] : flows.catalog) {
      if (!counts(key) || entry.own.size() <= flows.default_lang ||
          entry.own[flows.default_lang] == nullptr) {
        continue;
      }
      ++c.total;
      if (entry.own[lang] != nullptr) {
        ++c.translated;
      } else {
        c.missing.push_back(key);
      }
    }
    std::sort(c.missing.begin(), c.missing.end());
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> graph(const FlowSet& flows, std::string_view flow_id,
                                 std::string_view lang, GraphFormat format) {
  const Flow* flow = flows.find_flow(flow_id);
  if (flow == nullptr || flows.language_index(lang) < 0) return std::nullopt;
  const bool mermaid = format == GraphFormat::mermaid;
  std::string out = mermaid
                        ? "flowchart TD\n"
                        : "digraph \"" + escape(flow->id, format) + "\" {\n  node [shape=box];\n";
  std::vector<std::string> other_flows;
  for (const auto& node : flow->nodes) {
    std::string label =
        escape(node.id + " [" + std::string(node_kind(node.kind).name) + "]", format);
    if (const std::string text = shown(flows, lang, text_key(node)); !text.empty()) {
      label += mermaid ? "<br/>" : "\\n";  // a line break in either
      label += escape(text, format);
    }
    if (node.id == flow->start) label = "▶ " + label;
    // Nodes that wait for the person are hexagons (prompt != null).
    const bool waits = node_kind(node.kind).prompt != nullptr;
    const std::string shape_open = waits ? "{{" : node.kind == NodeKind::end ? "([" : "[";
    const std::string shape_close = waits ? "}}" : node.kind == NodeKind::end ? "])" : "]";
    if (mermaid) {
      out += "  " + safe_id(node.id) + shape_open + "\"" + label + "\"" + shape_close + "\n";
    } else {
      out += "  \"" + escape(node.id, format) + "\" [label=\"" + label + "\"" +
             (waits                        ? ", shape=hexagon"
              : node.kind == NodeKind::end ? ", shape=oval"
                                           : "") +
             "];\n";
    }
  }
  for (const auto& node : flow->nodes) {
    for (const auto& e : edges_of(flows, node, lang)) {
      const bool external = e.to.rfind("flow:", 0) == 0;
      if (external &&
          std::find(other_flows.begin(), other_flows.end(), e.to) == other_flows.end()) {
        other_flows.push_back(e.to);
        out += mermaid ? "  " + safe_id(e.to) + "[/\"" + escape(e.to, format) + "\"/]\n"
                       : "  \"" + escape(e.to, format) + "\" [shape=parallelogram];\n";
      }
      if (mermaid) {
        out += "  " + safe_id(e.from) + (e.dashed ? " -.->" : " -->");
        if (!e.label.empty()) out += "|\"" + escape(e.label, format) + "\"|";
        out += " " + safe_id(e.to) + "\n";
      } else {
        out += "  \"" + escape(e.from, format) + "\" -> \"" + escape(e.to, format) + "\"";
        std::string attrs;
        if (!e.label.empty()) attrs = "label=\"" + escape(e.label, format) + "\"";
        if (e.dashed) attrs += std::string(attrs.empty() ? "" : ", ") + "style=dashed";
        if (!attrs.empty()) out += " [" + attrs + "]";
        out += ";\n";
      }
    }
  }
  if (!mermaid) out += "}\n";
  return out;
}

}  // namespace ponte::engine
