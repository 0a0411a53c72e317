// Office hours in Europe/Rome: open inside a range, closed between ranges,
// on weekends and holidays; the next opening skips holidays and follows
// daylight saving time; a bad schedule is refused with the day that is wrong.
#include "bot/server/console/office_hours.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace ponte::server::console {
namespace {

using namespace std::chrono;

std::int64_t utc(int y, unsigned m, unsigned d, int hour, int minute) {
  const sys_days date = year_month_day(year(y), month(m), day(d));
  return duration_cast<milliseconds>((date + hours(hour) + minutes(minute)).time_since_epoch())
      .count();
}

OfficeHours weekdays() {
  OfficeHoursConfig c;
  for (auto* d : {&c.mon, &c.tue, &c.wed, &c.thu, &c.fri}) *d = "09:00-13:00, 14:00-18:00";
  c.holidays = "2026-12-25";
  return parse_office_hours(c).value();
}

TEST(OfficeHours, OpenOnlyInsideRangesOnWorkingDays) {
  const auto h = weekdays();
  EXPECT_TRUE(is_open(h, utc(2026, 12, 24, 9, 0)));     // Thu 10:00 in Rome (UTC+1)
  EXPECT_FALSE(is_open(h, utc(2026, 12, 24, 12, 30)));  // 13:30, lunch
  EXPECT_FALSE(is_open(h, utc(2026, 12, 25, 9, 0)));    // Christmas
  EXPECT_FALSE(is_open(h, utc(2026, 12, 26, 9, 0)));    // Saturday
}

TEST(OfficeHours, NextOpeningSkipsHolidaysAndWeekends) {
  const auto h = weekdays();
  EXPECT_EQ(next_opening(h, utc(2026, 12, 24, 12, 30)), utc(2026, 12, 24, 13, 0));
  EXPECT_EQ(next_opening(h, utc(2026, 12, 24, 18, 0)), utc(2026, 12, 28, 8, 0));
  // Summer time starts on Sunday 2027-03-28: Monday 09:00 in Rome is 07:00 UTC.
  EXPECT_EQ(next_opening(h, utc(2027, 3, 26, 18, 0)), utc(2027, 3, 29, 7, 0));
}

TEST(OfficeHours, WhenIsSaidInThePersonsLanguage) {
  const auto h = weekdays();
  const auto it = format_when(h, utc(2026, 12, 28, 8, 0), "it");
  EXPECT_NE(it.find("lunedì"), std::string::npos) << it;
  EXPECT_NE(it.find("09:00"), std::string::npos) << it;
  EXPECT_NE(format_when(h, utc(2026, 12, 28, 8, 0), "en").find("Monday"), std::string::npos);
}

TEST(OfficeHours, NothingConfiguredIsAlwaysOpen) {
  const auto h = parse_office_hours({}).value();
  EXPECT_TRUE(is_open(h, utc(2026, 12, 25, 3, 0)));
}

TEST(OfficeHours, BadSchedulesAreRefusedWithTheReason) {
  OfficeHoursConfig c;
  c.tue = "09:00-25:00";
  EXPECT_NE(parse_office_hours(c).error().message.find("tue"), std::string::npos);
  c = {};
  c.mon = "13:00-09:00";
  EXPECT_FALSE(parse_office_hours(c));
  c = {};
  c.holidays = "25/12/2026";
  EXPECT_FALSE(parse_office_hours(c));
  c = {};
  c.timezone = "Mars/Olympus";
  EXPECT_NE(parse_office_hours(c).error().message.find("time zone"), std::string::npos);
}

}  // namespace
}  // namespace ponte::server::console
