// The authoring commands through the real binary: main.cpp passes their own
// options through, exit codes say what happened.
#include "tests/integration/ponte_fixture.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ponte::testing
