#include "bot/server/console/office_hours.hpp"

#include <unicode/calendar.h>
#include <unicode/datefmt.h>
#include <unicode/dtptngen.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <cstdio>
#include <memory>

namespace ponte::server::console {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kSearchDays = 60;

std::optional<int> minutes_of(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  for (auto i : {0, 1, 3, 4}) {
    if (hhmm[i] < '0' || hhmm[i] > '9') return std::nullopt;
  }
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

std::unique_ptr<icu::Calendar> calendar_for(const std::string& timezone) {
  UErrorCode status = U_ZERO_ERROR;
  auto* zone = icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(timezone));
  std::unique_ptr<icu::Calendar> cal(
      icu::Calendar::createInstance(zone, icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) return nullptr;
  return cal;
}

struct LocalDay {
  int weekday = 0;  // Monday 0
  std::string date;
  int minute = 0;  // of the day
};

LocalDay local_day(icu::Calendar& cal, std::int64_t at_ms) {
  UErrorCode status = U_ZERO_ERROR;
  cal.setTime(static_cast<UDate>(at_ms), status);
  LocalDay d;
  d.weekday = (cal.get(UCAL_DAY_OF_WEEK, status) + 5) % 7;  // Sunday 1 -> 6, Monday 2 -> 0
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", cal.get(UCAL_YEAR, status),
                cal.get(UCAL_MONTH, status) + 1, cal.get(UCAL_DATE, status));
  d.date = buf;
  d.minute = cal.get(UCAL_HOUR_OF_DAY, status) * 60 + cal.get(UCAL_MINUTE, status);
  return d;
}

// The UTC time of `minute` on the local day that contains `day_ms`.
std::int64_t at_local_minute(icu::Calendar& cal, std::int64_t day_ms, int minute) {
  UErrorCode status = U_ZERO_ERROR;
  cal.setTime(static_cast<UDate>(day_ms), status);
  cal.set(UCAL_HOUR_OF_DAY, minute / 60);
  cal.set(UCAL_MINUTE, minute % 60);
  cal.set(UCAL_SECOND, 0);
  cal.set(UCAL_MILLISECOND, 0);
  return static_cast<std::int64_t>(cal.getTime(status));
}

}  // namespace

Result<OfficeHours> parse_office_hours(const OfficeHoursConfig& c) {
  OfficeHours h;
  h.timezone = c.timezone;
  icu::UnicodeString canonical;
  UBool system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(c.timezone), canonical, system,
                                status);
  if (U_FAILURE(status) || !system) {
    return fail(Errc::config, "unknown time zone \"" + c.timezone + "\" (e.g. \"Europe/Rome\")");
  }
  const std::pair<const char*, const std::string*> days[] = {
      {"mon", &c.mon}, {"tue", &c.tue}, {"wed", &c.wed}, {"thu", &c.thu},
      {"fri", &c.fri}, {"sat", &c.sat}, {"sun", &c.sun}};
  for (int i = 0; i < 7; ++i) {
    for (auto range : split_commas(*days[i].second)) {
      const auto dash = range.find('-');
      const auto start = minutes_of(range.substr(0, dash));
      const auto end =
          dash == std::string_view::npos ? std::nullopt : minutes_of(range.substr(dash + 1));
      if (!start || !end || *start >= *end) {
        return fail(Errc::config, std::string(days[i].first) + ": \"" + std::string(range) +
                                      "\" is not a range like 09:00-13:00");
      }
      h.week[i].emplace_back(*start, *end);
      h.always_open = false;
    }
  }
  for (auto date : split_commas(c.holidays)) {
    const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-';
    if (!shaped) {
      return fail(Errc::config, "holidays: \"" + std::string(date) + "\" is not YYYY-MM-DD");
    }
    h.holidays.emplace(date);
  }
  return h;
}

bool is_open(const OfficeHours& h, std::int64_t at_ms) {
  if (h.always_open) return true;
  auto cal = calendar_for(h.timezone);
  if (!cal) return true;
  const auto d = local_day(*cal, at_ms);
  if (h.holidays.count(d.date)) return false;
  for (auto [start, end] : h.week[d.weekday]) {
    if (d.minute >= start && d.minute < end) return true;
  }
  return false;
}

std::optional<std::int64_t> next_opening(const OfficeHours& h, std::int64_t at_ms) {
  if (h.always_open) return at_ms;
  auto cal = calendar_for(h.timezone);
  if (!cal) return std::nullopt;
  // Stepping from local noon lands on each local day even across DST.
  const auto noon = at_local_minute(*cal, at_ms, 12 * 60);
  for (int offset = 0; offset <= kSearchDays; ++offset) {
    const auto day_ms = noon + offset * kDayMs;
    const auto d = local_day(*cal, day_ms);
    if (h.holidays.count(d.date)) continue;
    for (auto [start, end] : h.week[d.weekday]) {
      const auto opens = at_local_minute(*cal, day_ms, start);
      if (opens > at_ms) return opens;
    }
  }
  return std::nullopt;
}

std::string format_when(const OfficeHours& h, std::int64_t at_ms, std::string_view language) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale locale(std::string(language).c_str());
  std::unique_ptr<icu::DateTimePatternGenerator> generator(
      icu::DateTimePatternGenerator::createInstance(locale, status));
  if (U_FAILURE(status)) return {};
  const auto pattern = generator->getBestPattern(u"EEEEdMMMMHHmm", status);
  icu::SimpleDateFormat format(pattern, locale, status);
  if (U_FAILURE(status)) return {};
  format.adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(h.timezone)));
  icu::UnicodeString out;
  format.format(static_cast<UDate>(at_ms), out);
  std::string text;
  out.toUTF8String(text);
  return text;
}

}  // namespace ponte::server::console
