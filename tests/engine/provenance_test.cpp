// What the content of issue 6 leans on at load time: the review list of
// `ponte flows check --review`, the rule that searchable answers carry their
// sources, alerts that would start two flows, and the services directory's
// category labels counted by coverage. Behaviour at run time is in
// data/alerts.json, data/skip.json and data/services.json.
#include "bot/engine/authoring.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ponte::engine::testing {
namespace {

namespace fs = std::filesystem;

fs::path copy_urgent(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ponte_engine_provenance_" + name);
  fs::remove_all(dir);
  fs::copy(test_data() / "flows_urgent", dir, fs::copy_options::recursive);
  return dir;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_in(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = read(p);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(p) << text;
}

std::vector<std::string> errors(const LoadReport& report) {
  std::vector<std::string> out;
  for (const auto& p : report.problems) {
    if (p.severity == Problem::Severity::error) out.push_back(to_string(p));
  }
  return out;
}

TEST(Provenance, ReviewListsMarkedNodesAndExampleServicesInFileOrder) {
  const fs::path root = test_data() / "flows_urgent";
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  ASSERT_TRUE(report.ok()) << ::testing::PrintToString(errors(report));
  std::vector<std::string> lines;
  for (const auto& item : report.review) {
    const std::string line = to_string(item);
    lines.push_back(line.substr(line.find("flows/")));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "flows/menu.json:20: menu/fees: the fees change every year [POSTE, SIAS] "
                       "reviewed 2026-11-20",
                       "flows/services.json:8: service to-questura: an example entry: complete and "
                       "check it [PIEMQ] reviewed 2026-11-23",
                       "flows/services.json:15: service fo-questura: an example entry: complete "
                       "and check it [PIEMQ] not reviewed"}));
}

TEST(Provenance, ASearchableAnswerWithoutReviewDateIsAnError) {
  const fs::path root = copy_urgent("unreviewed");
  replace_in(root / "flows/menu.json", "\"reviewed\": \"2026-11-20\",", "");
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  const auto got = errors(report);
  ASSERT_EQ(got.size(), 1U) << ::testing::PrintToString(got);
  EXPECT_NE(got[0].find("flows/menu.json:20:"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("say node \"fees\" of a searchable flow needs \"sources\" and "
                        "\"reviewed\""),
            std::string::npos)
      << got[0];
  // Review items are listed even when the set has errors.
  EXPECT_EQ(report.review.size(), 3U);
  fs::remove_all(root);
}

TEST(Provenance, AnAlertWordMayStartOneFlowOnly) {
  const fs::path root = copy_urgent("alert_twice");
  std::ofstream(root / "flows/other.json")
      << "{\"spec\": 1, \"id\": \"other\", \"version\": 1, \"start\": \"done\",\n"
         " \"alerts\": {\"en\": [\"Trafficking\"]},\n"
         " \"nodes\": [{\"id\": \"done\", \"kind\": \"end\", \"text\": \"menu.thanks\"}]}";
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  const auto got = errors(report);
  ASSERT_EQ(got.size(), 1U) << ::testing::PrintToString(got);
  EXPECT_NE(got[0].find("flows/urgent.json:2:"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("alert \"trafficking\" already starts flow \"other\""), std::string::npos)
      << got[0];
  fs::remove_all(root);
}

TEST(Provenance, CategoryLabelsAreTextsCoverageCounts) {
  const auto set = load_set(test_data() / "flows_urgent");
  ASSERT_TRUE(set);
  const auto cov = coverage(*set);
  const auto ar =
      std::find_if(cov.begin(), cov.end(), [](const auto& c) { return c.lang == "ar"; });
  ASSERT_NE(ar, cov.end());
  EXPECT_NE(std::find(ar->missing.begin(), ar->missing.end(), "services.category.post_office"),
            ar->missing.end());
  EXPECT_EQ(std::find(ar->missing.begin(), ar->missing.end(), "services.category.questura"),
            ar->missing.end());
}

TEST(Provenance, TheGraphShowsServicesAsAPromptAndSkippableAnswers) {
  const auto set = load_set(test_data() / "flows_urgent");
  ASSERT_TRUE(set);
  const auto text = graph(*set, "menu", "it", GraphFormat::mermaid);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("  n_find{{\"find [services]<br/>In quale comune vivi?\"}}"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("n_ask_name -->|\"answer or skip\"| n_ask_age"), std::string::npos) << *text;
}

TEST(Provenance, TheSourcesOfTheHelpLineListEveryTagOfTheReference) {
  // flows/sources.json is the list content cites; a few tags of each shape
  // of the reference table (plain, a family "A / -B", two in one row).
  const fs::path dir = source_dir() / "flows";
  const fs::path root = fs::temp_directory_path() / "ponte_engine_provenance_sources";
  fs::remove_all(root);
  fs::create_directories(root / "flows");
  fs::copy(test_data() / "flows_urgent" / "locales", root / "locales", fs::copy_options::recursive);
  fs::copy(test_data() / "flows_urgent" / "flows", root / "flows",
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::copy_file(dir / "sources.json", root / "flows" / "sources.json",
                fs::copy_options::overwrite_existing);
  replace_in(root / "flows/menu.json", "\"sources\": [\"POSTE\", \"SIAS\"]",
             "\"sources\": [\"POSTE\", \"SIAS\", \"AIDA-REG\", \"HELLOQ\", \"QN25\", \"IDC-S3\", "
             "\"UNHCR-REC\", \"SII09\", \"PIEMQ\", \"VST\", \"YWTI\", \"ADNK25\"]");
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(errors(report));
  // Every row of the reference table, families ("A / -B") spelled out: 95 tags.
  const auto sources = nlohmann::json::parse(read(dir / "sources.json"));
  EXPECT_EQ(sources.at("sources").size(), 95U);
  fs::remove_all(root);
}

}  // namespace
}  // namespace ponte::engine::testing
