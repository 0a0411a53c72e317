// Format migrations. Every flow file (and flowset.json) says which format
// it was written in: "spec": N. Loading brings an older file up to
// kCurrentSpec one version at a time, on raw nlohmann::json, so a migration
// written today never depends on tomorrow's model. Spec 1 is the first
// format: the tables are empty until spec 2 adds `migrate/spec2.cpp` with
// `nlohmann::json to_spec2(nlohmann::json)` and one row below.
#pragma once

#include "bot/core/error.hpp"

#include <nlohmann/json.hpp>

#include <span>

namespace ponte::engine {

inline constexpr int kCurrentSpec = 1;

struct Migration {
  int to;  // the spec this step produces, from spec `to - 1`
  nlohmann::json (*apply)(nlohmann::json doc);
};

std::span<const Migration> flow_migrations();
std::span<const Migration> settings_migrations();

// Returns doc at spec `current`, its "spec" updated. Errors (Errc::invalid):
// "spec" missing or not a whole number, newer than `current`, or a version
// with no migration step.
Result<nlohmann::json> migrate(nlohmann::json doc, std::span<const Migration> steps,
                               int current = kCurrentSpec);

}  // namespace ponte::engine
