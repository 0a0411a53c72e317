// Dependencies point one way (DESIGN.md): engine, channels and storage use
// only core; server uses them all; only main uses server. Also: SQLite only
// in storage, sockets (Asio/Beast) only in server, ICU never in core.
// This test reads every source file's #includes and fails on a wrong edge.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Module of a repository path: "bot/engine/step.cpp" -> "engine".
std::string module_of(const std::string& path) {
  static const std::vector<std::pair<std::string, std::string>> prefixes = {
      {"bot/core/", "core"},     {"bot/engine/", "engine"}, {"bot/channels/", "channels"},
      {"bot/server/", "server"}, {"bot/web/", "web"},       {"storage/", "storage"},
      {"bot/main.cpp", "main"}};
  for (const auto& [prefix, module] : prefixes) {
    if (path.rfind(prefix, 0) == 0) return module;
  }
  return "";
}

const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"core", {"core"}},
      {"engine", {"core", "engine"}},
      {"channels", {"core", "channels"}},
      {"storage", {"core", "storage"}},
      {"web", {"core", "web"}},
      {"server", {"core", "engine", "channels", "storage", "web", "server"}},
      {"main", {"core", "server"}},
  };
  return table;
}

// System headers a module must not use, by prefix.
const std::map<std::string, std::vector<std::string>>& forbidden_system() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"core", {"boost/asio", "boost/beast", "unicode/", "sqlite3", "nlohmann/"}},
      {"engine", {"boost/asio", "boost/beast", "sqlite3"}},
      {"channels", {"boost/asio", "boost/beast", "sqlite3"}},
      {"storage", {"boost/asio", "boost/beast", "unicode/"}},
      {"web", {"boost/asio", "boost/beast", "sqlite3"}},
      {"server", {"sqlite3"}},
      {"main", {"sqlite3"}},
  };
  return table;
}

// Every wrong edge in one file's text, as "file: includes X (module -> other)".
std::vector<std::string> violations(const std::string& path, const std::string& text) {
  std::vector<std::string> out;
  const auto module = module_of(path);
  if (module.empty()) return out;
  static const std::regex include_re(R"re(^\s*#\s*include\s*([<"])([^>"]+)[>"])re");
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (!std::regex_search(line, m, include_re)) continue;
    const auto target = m[2].str();
    if (m[1] == "\"") {
      const auto other = module_of(target);
      if (!other.empty() && !allowed().at(module).count(other)) {
        out.push_back(path + ":" + std::to_string(n) + ": includes " + target + " (" + module +
                      " -> " + other + ")");
      }
      continue;
    }
    for (const auto& prefix : forbidden_system().at(module)) {
      if (target.rfind(prefix, 0) == 0) {
        out.push_back(path + ":" + std::to_string(n) + ": includes <" + target + "> (not in " +
                      module + ")");
      }
    }
  }
  return out;
}

TEST(Architecture, CheckerCatchesWrongEdges) {
  EXPECT_EQ(violations("bot/engine/step.cpp", "#include \"storage/database.hpp\"\n").size(), 1u);
  EXPECT_EQ(violations("bot/core/ids.hpp", "#include <boost/asio.hpp>\n").size(), 1u);
  EXPECT_EQ(violations("bot/channels/x.cpp", "#include \"bot/server/config.hpp\"\n").size(), 1u);
  EXPECT_EQ(violations("bot/main.cpp", "  #  include \"storage/writer.hpp\"\n").size(), 1u);
  EXPECT_EQ(violations("bot/server/x.cpp", "#include <sqlite3.h>\n").size(), 1u);
  EXPECT_TRUE(violations("bot/server/x.cpp", "#include \"storage/writer.hpp\"\n").empty());
  EXPECT_TRUE(violations("bot/engine/x.cpp", "#include <unicode/msgfmt.h>\n").empty());
}

TEST(Architecture, SourcesRespectTheDependencyDirection) {
  const fs::path root = PONTE_SOURCE_DIR;
  std::vector<std::string> all;
  std::size_t files = 0;
  for (const char* dir : {"bot", "storage"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      const auto rel = fs::relative(entry.path(), root).generic_string();
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      auto v = violations(rel, text.str());
      all.insert(all.end(), v.begin(), v.end());
      ++files;
    }
  }
  EXPECT_GT(files, 20u) << "the scan found too few sources: wrong root?";
  for (const auto& v : all) ADD_FAILURE() << v;
}

}  // namespace
