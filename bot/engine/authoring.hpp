// What the author commands show about a loaded set, without running it:
// translation coverage per language (`ponte flows coverage`) and a picture
// of one flow (`ponte flows graph`, Mermaid or Graphviz DOT). Pure text out;
// the CLI prints it.
#pragma once

#include "bot/engine/flow_set.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::engine {

struct LanguageCoverage {
  std::string lang;
  std::size_t translated = 0;        // keys with the language's own text
  std::size_t total = 0;             // keys of the default language
  std::vector<std::string> missing;  // sorted; shown in a fallback language today
};
// Every key written in the default language counts, except the per-language
// word lists that have no meaning in another language
// (system.search.stop_words, system.date_order).
std::vector<LanguageCoverage> coverage(const FlowSet& flows);

enum class GraphFormat { mermaid, dot };
// The flow's nodes (id, kind, the text in `lang` cut to 60 characters) and
// its edges (labelled with the choice label or the branch condition).
// nullopt when the flow or language is unknown.
std::optional<std::string> graph(const FlowSet& flows, std::string_view flow_id,
                                 std::string_view lang, GraphFormat format);

}  // namespace ponte::engine
