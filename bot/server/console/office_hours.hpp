// Office hours: when operators answer, in the help line's time zone
// (Europe/Rome by default), with holidays. Outside them the bot tells a
// person who asks for a human when operators are back and that the case is
// kept. Pure functions of the schedule and a time; ICU does the calendar.
#pragma once

#include "bot/core/error.hpp"
#include "bot/server/config.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ponte::server::console {

struct OfficeHours {
  std::string timezone;
  // Monday first; each range in minutes after local midnight, [start, end).
  std::array<std::vector<std::pair<int, int>>, 7> week;
  std::set<std::string> holidays;  // "YYYY-MM-DD", local dates
  bool always_open = true;         // no day configured
};

// Errc::config naming the bad day, range, date or time zone.
Result<OfficeHours> parse_office_hours(const OfficeHoursConfig& config);
bool is_open(const OfficeHours& hours, std::int64_t at_ms);
// The next opening after `at_ms` within 60 days; nullopt if none.
std::optional<std::int64_t> next_opening(const OfficeHours& hours, std::int64_t at_ms);
// "lunedì 24 novembre, 09:00" in `language`, in the schedule's time zone.
std::string format_when(const OfficeHours& hours, std::int64_t at_ms, std::string_view language);

}  // namespace ponte::server::console
