// Reading one JSON file at load time: problems are collected, never thrown,
// each with the file, the line/column of the value and its JSON pointer.
// `Fields` reads one JSON object key by key and, at the end, reports every
// key it was not asked for (a typo like "nxet" must not pass silently).
#pragma once

#include "bot/engine/flow_model.hpp"
#include "bot/engine/json_positions.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::engine {

struct FileContext {
  std::string file;  // as shown in problems, e.g. "flows/main.json"
  JsonPositions positions;
  std::vector<Problem>* problems = nullptr;
  std::uint64_t* digest = nullptr;  // when set, read_json_file mixes the file in

  void report(Problem::Severity severity, const std::string& pointer, std::string message);
  void error(const std::string& pointer, std::string message) {
    report(Problem::Severity::error, pointer, std::move(message));
  }
  void warning(const std::string& pointer, std::string message) {
    report(Problem::Severity::warning, pointer, std::move(message));
  }
};

// Reads a file and parses it. On a syntax error reports it (with line and
// column) and returns nullopt; also reports keys written twice.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path,
                                             const std::string& shown, FileContext& ctx);

enum class Need { required, optional };

class Fields {
 public:
  // Reports an error and reads nothing when `obj` is not an object.
  Fields(FileContext& ctx, const nlohmann::json& obj, std::string pointer);

  bool is_object() const { return obj_.is_object(); }
  FileContext& ctx() { return ctx_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer(std::string_view key) const;

  std::string string(std::string_view key, Need need);
  std::optional<int> integer(std::string_view key, Need need);
  std::optional<bool> boolean(std::string_view key, Need need);
  const nlohmann::json* object(std::string_view key, Need need);
  const nlohmann::json* array(std::string_view key, Need need);
  bool has(std::string_view key) const { return obj_.is_object() && obj_.contains(key); }
  // Marks a key as known without reading it (read by someone else).
  void allow(std::string_view key) { known_.emplace_back(key); }

  // Reports unknown keys, suggesting the closest known one.
  void finish();

 private:
  const nlohmann::json* get(std::string_view key, Need need);

  FileContext& ctx_;
  const nlohmann::json& obj_;
  std::string pointer_;
  std::vector<std::string> known_;
};

// Reads the optional "contact" and "vars" objects of f (string values) and
// records contact.language values as language refs of node.
Assignments read_assignments(Fields& f, Node& node);

// Provenance, shared by nodes and flows/services.json: a non-empty list of
// source tags ([A-Z0-9-]+; whether they are known is checked later), and a
// review date "YYYY-MM-DD" that is a real date.
bool is_source_tag(std::string_view tag);
std::vector<std::string> read_source_tags(FileContext& ctx, const nlohmann::json& list,
                                          const std::string& pointer);
void check_review_date(FileContext& ctx, const std::string& date, const std::string& pointer);

// `word` followed by ` (did you mean "x"?)` when a candidate is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::string in_quotes(std::string_view s);

}  // namespace ponte::engine
