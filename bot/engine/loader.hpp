// The stages of load_flow_set(), in order: settings (flowset.json), flows,
// catalogs, then checks across them. Each stage adds Problems and builds
// what it can, so one run reports everything an author must fix.
#pragma once

#include "bot/engine/load_context.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ponte::engine {

struct LoadState {
  std::vector<Problem> problems;
  std::uint64_t digest = 0xcbf29ce484222325ULL;
  FileContext settings;
  FileContext languages;
  std::map<std::string, FileContext> flow_files;  // flow id -> its file
  // flows/sources.json: the known source tags; `sources_file` is empty
  // when the file does not exist.
  std::map<std::string, int> source_tags;  // tag -> line in sources.json
  std::string sources_file;
  FileContext services;  // flows/services.json, when present
  std::vector<ReviewItem> review;
  FileContext context() { return FileContext{{}, {}, &problems, &digest}; }
};

void load_settings(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st);
void load_flows(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st);
// flows/sources.json and flows/services.json, both optional
// (services_dir.cpp); their cross-checks run in check_directory().
void load_sources(const std::filesystem::path& flows_dir, LoadState& st);
void load_services(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st);
void check_directory(FlowSet& set, LoadState& st);
void load_catalogs(const std::filesystem::path& locales_dir, FlowSet& set, LoadState& st);
// Cross-file checks; also computes choice tokens and the trigger table.
void validate(FlowSet& set, LoadState& st);
// After validate(): the global commands' words and the search index
// (validate_global.cpp).
void build_commands(FlowSet& set, LoadState& st);
void build_search(FlowSet& set, LoadState& st);
// Loops that never wait, dead ends, labels too long (validate_paths.cpp).
void check_paths(FlowSet& set, LoadState& st);

// Files of flows/ that are not flows: flowset.json, sources.json, services.json.
bool is_set_file(const std::filesystem::path& name);

// "a/b/c.json" shown relative to how the directory was given.
std::string shown_path(const std::filesystem::path& dir, const std::filesystem::path& file);

}  // namespace ponte::engine
