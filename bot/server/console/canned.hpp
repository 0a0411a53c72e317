// Canned answers as sent: the version in the person's language (else along
// the language's fallback chain, else the flows' default language, else any),
// with {variables} filled in. {name} is the person's display name and {case}
// the case number; callers may add more (e.g. {date} for a reminder).
#pragma once

#include "bot/engine/flow_set.hpp"
#include "storage/console.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ponte::server::console {

// nullopt when `versions` is empty.
std::optional<storage::CannedAnswer> pick_version(
    const std::vector<storage::CannedAnswer>& versions, const engine::FlowSet& flows,
    std::string_view language);
// Replaces each {known} by its value; unknown {names} stay as written.
std::string fill_variables(std::string_view body, const std::map<std::string, std::string>& vars);

}  // namespace ponte::server::console
