// Checks on the paths through the flows, after everything else is read:
// - a loop of nodes that never waits for the person (say -> set -> say ...)
//   would run until the step budget stops it: an error, or a warning when a
//   branch in the loop may leave it;
// - a dead end: a node from which no end, goto or handoff can be reached,
//   so the flow never finishes (the person can still type "menu");
// - a session variable a branch reads before any path to it set it (it
//   reads ''): a warning, when the flow itself sets the variable somewhere
//   (a variable set only by other flows may come from the caller);
// - a button label longer than WhatsApp shows (20 characters for up to 3
//   buttons, 24 for a list): a warning per language, at the text's line.
#include "bot/engine/loader.hpp"
#include "bot/engine/nodes/node_kind.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

namespace ponte::engine {
namespace {

constexpr std::size_t kMaxButtonLabel = 20;  // WhatsApp reply buttons (up to 3)
constexpr std::size_t kMaxListLabel = 24;    // WhatsApp list rows (4 to 10)
constexpr std::size_t kMaxListChoices = 10;

using Key = std::pair<std::string, std::string>;  // flow, node

bool waits(const Node& n) { return node_kind(n.kind).prompt != nullptr; }

// Where a node that does not wait goes next, within the set.
std::vector<Key> successors(const FlowSet& set, const Flow& flow, const Node& node) {
  std::vector<Key> out;
  if (const auto* g = std::get_if<GotoNode>(&node.body)) {
    if (const Flow* target = set.find_flow(g->flow)) out.emplace_back(target->id, target->start);
    return out;
  }
  for (const auto& ref : node.refs) {
    if (ref.kind == Ref::Kind::node) out.emplace_back(flow.id, ref.value);
  }
  return out;
}

const Node* find(const FlowSet& set, const Key& k) {
  const Flow* f = set.find_flow(k.first);
  return f != nullptr ? f->find(k.second) : nullptr;
}

void check_loops(const FlowSet& set, LoadState& st) {
  // Depth-first over nodes that do not wait; a back edge is a loop.
  std::map<Key, int> color;  // 0 new, 1 on the path, 2 done
  std::set<Key> reported;
  std::vector<Key> path;
  auto visit = [&](auto&& self, const Key& k) -> void {
    const Node* node = find(set, k);
    if (node == nullptr || waits(*node)) return;
    color[k] = 1;
    path.push_back(k);
    for (const auto& next : successors(set, *set.find_flow(k.first), *node)) {
      const int c = color[next];
      if (c == 0) {
        self(self, next);
      } else if (c == 1 && reported.insert(next).second) {
        bool has_branch = false;
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it) {
          has_branch = has_branch || find(set, *it)->kind == NodeKind::branch;
          cycle += it->first + "/" + it->second + " -> ";
        }
        cycle += next.first + "/" + next.second;
        const Node* at = find(set, next);
        FileContext& ctx = st.flow_files.at(next.first);
        const std::string message =
            "these nodes loop without waiting for the person: " + cycle +
            (has_branch ? " (a branch may leave the loop; check it does)"
                        : "; the step budget would stop it. Put a choice or question in it");
        if (has_branch) {
          ctx.warning(at->pointer + "/id", message);
        } else {
          ctx.error(at->pointer + "/id", message);
        }
      }
    }
    path.pop_back();
    color[k] = 2;
  };
  for (const auto& [id, flow] : set.flows) {
    for (const auto& node : flow.nodes) {
      const Key k{id, node.id};
      if (color[k] == 0) visit(visit, k);
    }
  }
}

// Nodes from which an end, a goto or a handoff is reachable, within a flow.
void check_dead_ends(const FlowSet& set, LoadState& st) {
  for (const auto& [id, flow] : set.flows) {
    std::set<std::string> good;
    for (const auto& node : flow.nodes) {
      if (node.kind == NodeKind::end || node.kind == NodeKind::goto_ ||
          node.kind == NodeKind::handoff) {
        good.insert(node.id);
      }
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& node : flow.nodes) {
        if (good.count(node.id) != 0) continue;
        for (const auto& ref : node.refs) {
          if ((ref.kind == Ref::Kind::node || ref.kind == Ref::Kind::return_node) &&
              good.count(ref.value) != 0) {
            good.insert(node.id);
            changed = true;
            break;
          }
        }
      }
    }
    for (const auto& node : flow.nodes) {
      if (good.count(node.id) != 0 || node.id != flow.start) continue;
      // Reported once, at the start: every node of such a flow is stuck.
      st.flow_files.at(id).warning(
          node.pointer + "/id",
          "flow " + in_quotes(id) +
              " never finishes: no end, goto or handoff can be reached from " + in_quotes(node.id) +
              " (people can only leave it with a global command)");
    }
  }
}

std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  return n;
}

void check_labels(const FlowSet& set, LoadState& st) {
  std::set<std::pair<std::string, std::size_t>> warned;  // key, language
  for (const auto& [id, flow] : set.flows) {
    for (const auto& node : flow.nodes) {
      const auto* choice = std::get_if<ChoiceNode>(&node.body);
      if (choice == nullptr || choice->choices.size() > kMaxListChoices) continue;
      const std::size_t limit = choice->choices.size() <= 3 ? kMaxButtonLabel : kMaxListLabel;
      for (const auto& option : choice->choices) {
        const CatalogKey* key = set.key(option.label);
        if (key == nullptr) continue;
        for (std::size_t lang = 0; lang < key->own.size(); ++lang) {
          const Message* m = key->own[lang].get();
          if (m == nullptr || characters(m->static_text) <= limit) continue;
          if (!warned.insert({option.label, lang}).second) continue;
          st.problems.push_back(Problem{
              Problem::Severity::warning, m->file, m->line, 0, "",
              "label " + in_quotes(option.label) + " has " +
                  std::to_string(characters(m->static_text)) + " characters; WhatsApp shows " +
                  std::to_string(limit) + " in a " +
                  (limit == kMaxButtonLabel ? "button" : "list row") + " and cuts the rest"});
        }
      }
    }
  }
}

// Session variables set on the way from `node` to `next`.
std::vector<std::string> writes_on_edge(const Node& node, const std::string& next) {
  std::vector<std::string> out;
  if (const auto* choice = std::get_if<ChoiceNode>(&node.body)) {
    for (const auto& option : choice->choices) {
      if (option.next != next) continue;
      for (const auto& [name, value] : option.set.vars) out.push_back("vars." + name);
    }
    return out;
  }
  for (const auto& ref : node.refs) {
    if (ref.kind == Ref::Kind::writes && ref.value.rfind("vars.", 0) == 0) out.push_back(ref.value);
  }
  return out;
}

// "Must be set" analysis per flow: the variables set on every path from the
// start to each node (the intersection over its predecessors).
void check_reads_before_set(const FlowSet& set, LoadState& st) {
  for (const auto& [id, flow] : set.flows) {
    std::set<std::string> written_here;
    for (const auto& node : flow.nodes) {
      for (const auto& ref : node.refs) {
        if (ref.kind == Ref::Kind::writes) written_here.insert(ref.value);
      }
    }
    std::map<std::string, std::set<std::string>> in;  // node -> surely set; absent = unreached
    in[flow.start] = {};
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& node : flow.nodes) {
        const auto here = in.find(node.id);
        if (here == in.end()) continue;
        for (const auto& ref : node.refs) {
          if (ref.kind != Ref::Kind::node || flow.find(ref.value) == nullptr) continue;
          std::set<std::string> out = here->second;
          for (auto& w : writes_on_edge(node, ref.value)) out.insert(std::move(w));
          auto [it, fresh] = in.try_emplace(ref.value, out);
          if (fresh) {
            changed = true;
            continue;
          }
          std::set<std::string> both;
          std::set_intersection(it->second.begin(), it->second.end(), out.begin(), out.end(),
                                std::inserter(both, both.begin()));
          if (both != it->second) {
            it->second = std::move(both);
            changed = true;
          }
        }
      }
    }
    for (const auto& node : flow.nodes) {
      const auto here = in.find(node.id);
      if (here == in.end()) continue;
      for (const auto& ref : node.refs) {
        if (ref.kind != Ref::Kind::reads || ref.value.rfind("vars.", 0) != 0) continue;
        if (here->second.count(ref.value) != 0 || written_here.count(ref.value) == 0) continue;
        st.flow_files.at(id).warning(ref.pointer, ref.value +
                                                      " may be read before it is set: on some "
                                                      "path from " +
                                                      in_quotes(flow.start) + " to " +
                                                      in_quotes(node.id) +
                                                      " nothing sets it, so it reads ''");
      }
    }
  }
}

}  // namespace

void check_paths(FlowSet& set, LoadState& st) {
  check_reads_before_set(set, st);
  check_loops(set, st);
  check_dead_ends(set, st);
  check_labels(set, st);
}

}  // namespace ponte::engine
