#include "bot/server/console/stats_render.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ponte::server::console {

namespace {

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view value) {
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v.insert(0, "'");
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string day_of(std::int64_t ms) {
  using namespace std::chrono;
  const auto day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  const year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string minutes(const std::optional<std::int64_t>& ms) {
  return ms ? std::to_string(*ms / 60000) : "";
}

}  // namespace

std::string bar_chart_svg(std::string_view title, const std::vector<storage::Count>& counts) {
  constexpr int kWidth = 480, kLabel = 150, kBar = 22, kGap = 6, kTop = 30;
  const int rows = static_cast<int>(std::max<std::size_t>(counts.size(), 1));
  const int height = kTop + rows * (kBar + kGap) + 10;
  std::int64_t max = 1;
  for (const auto& c : counts) max = std::max(max, c.count);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kWidth) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">";
  svg += "<title>" + xml_escape(title) + "</title>";
  svg += "<text x=\"0\" y=\"16\" font-weight=\"bold\">" + xml_escape(title) + "</text>";
  if (counts.empty()) svg += "<text x=\"0\" y=\"44\" fill=\"#5b6475\">–</text>";
  int y = kTop;
  for (const auto& c : counts) {
    const int width = static_cast<int>((kWidth - kLabel - 50) * c.count / max);
    svg += "<text x=\"" + std::to_string(kLabel - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + xml_escape(c.value.substr(0, 24)) + "</text>";
    svg += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(std::max(width, 1)) + "\" height=\"" + std::to_string(kBar) +
           "\" fill=\"#1f5fbf\"/>";
    svg += "<text x=\"" + std::to_string(kLabel + width + 4) + "\" y=\"" + std::to_string(y + 15) +
           "\">" + std::to_string(c.count) + "</text>";
    y += kBar + kGap;
  }
  return svg + "</svg>";
}

std::string case_facts_csv(const std::vector<storage::CaseFact>& facts) {
  std::string out =
      "case,created_day,topic,municipality,language,channel,priority,status,phase,outcome,"
      "wait_minutes,resolution_minutes\r\n";
  for (const auto& f : facts) {
    out += std::to_string(f.id) + "," + day_of(f.created_at) + "," + csv_field(f.topic) + "," +
           csv_field(f.municipality) + "," + csv_field(f.language) + "," + csv_field(f.channel) +
           "," + std::to_string(f.priority) + "," + csv_field(f.status) + "," + csv_field(f.phase) +
           "," + csv_field(f.outcome) + "," + minutes(f.wait_ms) + "," + minutes(f.resolution_ms) +
           "\r\n";
  }
  return out;
}

}  // namespace ponte::server::console
