#include "collectors/parsers/syslog_time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/time_util.h"

namespace tripline {
namespace {

std::optional<TimePoint> uncached(std::string_view s, TimePoint received, TimestampZone zone,
                                  size_t& used) {
  BsdTimestamp ts;
  used = parse_bsd_timestamp(s, ts);
  if (used == 0) return std::nullopt;
  return resolve_bsd_timestamp(ts, received, zone);
}

TEST(ReadBsdTime, AgreesWithParseAndResolveWhateverTheLastLineWas) {
  // Repeated stamps (hits), a fraction (never cached), an impossible date, a line with no
  // stamp, and the same stamp read at receive times that resolve it to different years.
  const std::vector<std::string> lines = {
      "Nov 23 08:49:01 host sshd[1]: a", "Nov 23 08:49:01 host sshd[1]: b",
      "Nov 23 08:49:01.250 host x: c",   "Nov 23 08:49:01 host sshd[1]: d",
      "Feb 30 10:00:00 host x: e",       "Feb 30 10:00:00 host x: f",
      "no stamp here at all",            "Jan  2 12:00:00 host x: g",
      "Jan  2 12:00:00 host x: h",       "Dec 31 23:59:59 host x: i"};
  const std::vector<TimePoint> received = {
      *parse_rfc3339("2026-11-23T08:49:05Z"), *parse_rfc3339("2027-01-01T11:00:00Z"),
      *parse_rfc3339("2027-01-01T13:00:00Z"), *parse_rfc3339("2027-01-01T00:00:10Z")};
  for (const TimestampZone zone : {TimestampZone::kUtc, TimestampZone::kLocal}) {
    for (const TimePoint& r : received) {
      for (const std::string& line : lines) {
        size_t want_used = 0;
        const std::optional<TimePoint> want = uncached(line, r, zone, want_used);
        std::optional<TimePoint> got;
        EXPECT_EQ(read_bsd_time(line, r, zone, got), want_used) << line;
        EXPECT_EQ(got, want) << line << " received " << format_rfc3339(r);
      }
    }
  }
}

TEST(ReadBsdTime, TheSameStampOnEitherSideOfADayFromReceiptResolvesToDifferentYears) {
  // "Jan  2 12:00:00" is more than a day after 2027-01-01T11:00 (so last year's) but within a
  // day of 13:00 (this year's): a cache keyed by the receive day would answer one of them wrong.
  std::optional<TimePoint> early, late;
  read_bsd_time("Jan  2 12:00:00 h x: m", *parse_rfc3339("2027-01-01T11:00:00Z"),
                TimestampZone::kUtc, early);
  read_bsd_time("Jan  2 12:00:00 h x: m", *parse_rfc3339("2027-01-01T13:00:00Z"),
                TimestampZone::kUtc, late);
  ASSERT_TRUE(early && late);
  EXPECT_EQ(format_rfc3339(*early), "2026-01-02T12:00:00Z");
  EXPECT_EQ(format_rfc3339(*late), "2027-01-02T12:00:00Z");
}

}  // namespace
}  // namespace tripline
