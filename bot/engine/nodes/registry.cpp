// The table of node kinds. A new kind adds its file and one line here.
#include "bot/engine/nodes/node_kind.hpp"

#include <array>
#include <functional>

namespace ponte::engine {
namespace {

using KindGetter = const NodeKindOps& (*)();
constexpr std::array<KindGetter, 10> kKinds = {
    &say_kind, &choice_kind,   &set_kind,    &goto_kind,      &handoff_kind,
    &end_kind, &question_kind, &branch_kind, &follow_up_kind, &services_kind};

}  // namespace

const NodeKindOps* find_node_kind(std::string_view name) {
  for (KindGetter get : kKinds) {
    if (get().name == name) return &get();
  }
  return nullptr;
}

const NodeKindOps& node_kind(NodeKind kind) {
  for (KindGetter get : kKinds) {
    if (get().kind == kind) return get();
  }
  return say_kind();  // unreachable: every enumerator has a file
}

std::vector<std::string> node_kind_names() {
  std::vector<std::string> names;
  for (KindGetter get : kKinds) names.emplace_back(get().name);
  return names;
}

std::string read_text(Fields& f, std::string_view key, Need need, Node& node) {
  std::string value = f.string(key, need);
  if (!value.empty()) node.refs.push_back(Ref{Ref::Kind::text, value, f.pointer(key)});
  return value;
}

std::string read_next(Fields& f, std::string_view key, Need need, Node& node) {
  std::string value = f.string(key, need);
  if (!value.empty()) node.refs.push_back(Ref{Ref::Kind::node, value, f.pointer(key)});
  return value;
}

}  // namespace ponte::engine
