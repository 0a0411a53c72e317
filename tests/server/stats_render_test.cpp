// The coordinator's chart and export: labels cannot break out of the SVG,
// and a CSV cell can neither split a row nor run as a spreadsheet formula.
#include "bot/server/console/stats_render.hpp"

#include <gtest/gtest.h>

namespace ponte::server::console {
namespace {

TEST(StatsRender, ChartEscapesLabelsAndDrawsOneBarPerValue) {
  const auto svg = bar_chart_svg("topic", {{"housing", 4}, {"<script>&", 2}});
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;&amp;"), std::string::npos);
  std::size_t bars = 0;
  for (auto at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++bars;
  EXPECT_EQ(bars, 2u);
}

TEST(StatsRender, CsvQuotesAndNeutralisesFormulas) {
  storage::CaseFact f;
  f.id = 7;
  f.created_at = 1'700'000'000'000;  // 2023-11-14 UTC
  f.topic = "=HYPERLINK(\"x\")";
  f.municipality = "Reggio, Calabria";
  f.language = "ar";
  f.channel = "whatsapp";
  f.status = "resolved";
  f.phase = "resolution";
  f.outcome = "referral";
  f.wait_ms = 120'000;
  const auto csv = case_facts_csv({f});
  const auto row = csv.substr(csv.find("\r\n") + 2);
  EXPECT_EQ(row,
            "7,2023-11-14,\"'=HYPERLINK(\"\"x\"\")\",\"Reggio, Calabria\",ar,whatsapp,2,resolved,"
            "resolution,referral,2,\r\n");
}

}  // namespace
}  // namespace ponte::server::console
