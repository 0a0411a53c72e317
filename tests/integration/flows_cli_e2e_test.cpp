// The authoring commands through the real binary: main.cpp passes their own
// options through, exit codes say what happened.
#include "tests/integration/ponte_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace ponte::testing {
namespace {

TEST(FlowsCliE2E, CommandsAndTheirExitCodes) {
  PonteFixture ponte;
  std::string out;
  EXPECT_EQ(ponte.run_command({"flows", "test"}, &out), 0) << out;
  EXPECT_NE(out.find(" passed, 0 failed in 3 file(s)"), std::string::npos) << out;

  EXPECT_EQ(ponte.run_command({"flows", "coverage"}, &out), 0) << out;
  EXPECT_NE(out.find("ar  100.0%"), std::string::npos) << out;

  EXPECT_EQ(ponte.run_command({"flows", "graph", "main", "--lang", "fr", "--dot"}, &out), 0);
  EXPECT_EQ(out.rfind("digraph \"main\" {", 0), 0U) << out;
  EXPECT_NE(out.find("Titre de séjour"), std::string::npos) << out;

  EXPECT_EQ(ponte.run_command({"flows", "graph", "mian"}, &out), 1) << out;
  EXPECT_NE(out.find("no flow \"mian\""), std::string::npos) << out;
  EXPECT_EQ(ponte.run_command({"flows", "graph", "main", "--bogus"}, &out), 2) << out;
  EXPECT_EQ(ponte.run_command({"chat", "--lang", "xx"}, &out), 2) << out;
  EXPECT_NE(out.find("no language \"xx\""), std::string::npos) << out;
}

TEST(FlowsCliE2E, CheckCountsAndReviewListsWhatAHumanMustVerify) {
  PonteFixture ponte;
  const std::filesystem::path set =
      std::filesystem::path(PONTE_SOURCE_DIR) / "tests" / "engine" / "data" / "flows_urgent";
  ponte.configure("flows_dir", (set / "flows").string());
  ponte.configure("locales_dir", (set / "locales").string());
  std::string out;
  EXPECT_EQ(ponte.run_command({"flows", "check"}, &out), 0) << out;
  EXPECT_NE(out.find("review: 3 item(s) to verify (ponte flows check --review)"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("menu/fees"), std::string::npos) << out;  // counted, not listed

  EXPECT_EQ(ponte.run_command({"flows", "check", "--review"}, &out), 0) << out;
  EXPECT_NE(out.find("flows/menu.json:20: menu/fees: the fees change every year [POSTE, SIAS] "
                     "reviewed 2026-11-20"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("flows/services.json:15: service fo-questura: an example entry: complete "
                     "and check it [PIEMQ] not reviewed"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("review: 3 item(s) to verify\n"), std::string::npos) << out;
  EXPECT_EQ(ponte.run_command({"flows", "check", "--bogus"}, &out), 2) << out;
}

}  // namespace
}  // namespace ponte::testing
