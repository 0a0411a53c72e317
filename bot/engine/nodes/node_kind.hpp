// The node kinds, one file each under nodes/. A kind knows how to read its
// JSON (collecting the refs validation checks), how to run, and, for kinds
// that wait for the person, how to repeat its prompt and take an answer.
#pragma once

#include "bot/engine/load_context.hpp"
#include "bot/engine/run.hpp"

#include <string_view>

namespace ponte::engine {

enum class Resume {
  picked,    // the answer moved the state on; keep running
  stale,     // a button of an older prompt
  no_match,  // not an answer to this prompt
  repeated,  // the node answered it itself (e.g. "invalid") and asked again
};

struct NodeKindOps {
  std::string_view name;
  NodeKind kind;
  void (*parse)(Fields& f, Node& node);  // reads the kind's keys, fills body and refs
  Next (*run)(const Node& node, Run& run);
  // Waiting kinds only (null otherwise).
  void (*prompt)(const Node& node, Run& run);
  Resume (*resume)(const Node& node, Run& run, const InboundEvent& event,
                   std::u32string_view normalized_text);
};

const NodeKindOps& say_kind();
const NodeKindOps& choice_kind();
const NodeKindOps& set_kind();
const NodeKindOps& goto_kind();
const NodeKindOps& handoff_kind();
const NodeKindOps& end_kind();
const NodeKindOps& question_kind();
const NodeKindOps& branch_kind();
const NodeKindOps& follow_up_kind();
const NodeKindOps& services_kind();

// Lookup by JSON name ("say") or by enum; defined in nodes/registry.cpp.
const NodeKindOps* find_node_kind(std::string_view name);
const NodeKindOps& node_kind(NodeKind kind);
std::vector<std::string> node_kind_names();

// Whether a normalised text is exactly a trigger keyword: kinds that take
// any typed text as an answer still yield to it (question.cpp).
bool is_exact_trigger(const FlowSet& flows, std::u32string_view text);
// The municipality of flows/services.json a normalised text names (name or
// alias; exact, one typo, or inside the text); null when none or two fit
// (services.cpp).
const Municipality* find_municipality(const ServiceDirectory& dir, std::u32string_view normalized);

// Shared by kinds that read a catalog key: records a text ref.
std::string read_text(Fields& f, std::string_view key, Need need, Node& node);
// Records a node ref for "next"-like keys.
std::string read_next(Fields& f, std::string_view key, Need need, Node& node);

}  // namespace ponte::engine
