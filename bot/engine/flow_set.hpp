// FlowSet: every flow and message catalog, loaded and validated together.
// Immutable once built; held as shared_ptr<const FlowSet> and swapped whole
// on reload, so a running step never sees half a reload. A set with errors
// is never built: load() returns every problem at once instead.
#pragma once

#include "bot/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ponte::engine {

struct Problem {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;     // path as given, e.g. "flows/main.json"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string path;     // JSON pointer, e.g. "/nodes/3/next"
  std::string message;  // plain language, with a fix where one is known
};
// "flows/main.json:42:7 /nodes/3/next: no node \"ask_citty\" (did you mean \"ask_city\"?)"
std::string to_string(const Problem& p);

// Arguments for ICU MessageFormat: {position}, {name}...
using Arg = std::variant<std::int64_t, double, std::string>;
using Args = std::vector<std::pair<std::string, Arg>>;

struct LanguageInfo {
  std::string code;  // "ar"
  std::string name;  // "العربية" (its own name)
  bool rtl = false;
  std::vector<std::string> fallback;  // e.g. {"fr", "en", "it"}
};

class FlowSet;  // defined in flow_model.hpp (engine-internal)

// Something a human must check before publishing: a node marked with
// "verify", or a service of flows/services.json marked "example": true.
struct ReviewItem {
  std::string file;
  int line = 0;
  std::string what;    // "flow/node", or "service <id>"
  std::string reason;  // the node's "verify" text
  std::vector<std::string> sources;
  std::string reviewed;  // may be empty
};
// "flows/permit.json:12: permit/fees: fee changed in 2025 [POSTE, MONEY] reviewed 2026-11-23"
std::string to_string(const ReviewItem& item);

struct LoadReport {
  std::shared_ptr<const FlowSet> flows;  // null when any problem is an error
  std::vector<Problem> problems;         // errors and warnings, in file order
  std::vector<ReviewItem> review;        // in file order, also when there are errors
  bool ok() const { return flows != nullptr; }
};

// Reads flows_dir/*.json (plus flows_dir/flowset.json, the set's settings)
// and locales_dir/languages.json + locales_dir/<lang>/*.json.
LoadReport load_flow_set(const std::filesystem::path& flows_dir,
                         const std::filesystem::path& locales_dir);

// Queries the server needs without knowing the model.
std::string render(const FlowSet& flows, std::string_view lang, std::string_view key,
                   const Args& args = {});
const LanguageInfo* language_info(const FlowSet& flows, std::string_view lang);
std::vector<LanguageInfo> languages(const FlowSet& flows);
std::string default_language(const FlowSet& flows);
// Distinguishes loaded sets (e.g. a hash of all files), for logs.
std::string fingerprint(const FlowSet& flows);

}  // namespace ponte::engine

namespace ponte::engine {
// The rendered label of choice `choice_id` at the prompt identified by
// `token` (the choice token of an OutboundMessage), in `lang`; empty when the
// token or id is unknown (an old keyboard after a reload). For transcripts.
std::string choice_label(const FlowSet& flows, std::string_view token, std::string_view choice_id,
                         std::string_view lang);
}  // namespace ponte::engine
