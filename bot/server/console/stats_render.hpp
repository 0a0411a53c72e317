// Pure rendering of the coordinator's numbers: a horizontal bar chart as a
// standalone SVG document (labels XML-escaped) and the case facts as CSV
// (RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never
// runs a cell as a formula).
#pragma once

#include "storage/console.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ponte::server::console {

std::string bar_chart_svg(std::string_view title, const std::vector<storage::Count>& counts);
std::string case_facts_csv(const std::vector<storage::CaseFact>& facts);

}  // namespace ponte::server::console
