// JSON shapes of the console API shared by several handlers (docs/api.yaml
// names them Case and Task).
#pragma once

#include "storage/console.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace ponte::server::console {

nlohmann::json case_json(const storage::ConsoleCase& c, std::int64_t now);
nlohmann::json task_json(const storage::CaseTask& t);
// A positive decimal id; nullopt otherwise.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace ponte::server::console
