#include "core/time_util.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

int64_t epoch_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST(TimeUtilTest, ParsesCloudTrailTimestamps) {
  auto t = parse_rfc3339("2020-09-22T14:06:51Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(epoch_seconds(*t), 1600783611);
}

TEST(TimeUtilTest, ParsesFractionsAndOffsets) {
  auto t = parse_rfc3339("2026-11-23T08:49:01.123456+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-23T06:49:01.123Z");
}

TEST(TimeUtilTest, RejectsGarbage) {
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(parse_rfc3339(""));
}

// Found by fuzz_syslog: year 6026 overflowed the clock's 64-bit nanosecond count.
TEST(TimeUtilTest, RejectsTimesOutsideTheClockRange) {
  EXPECT_FALSE(parse_rfc3339("6026-11-23T08:49:01.123456+01:00"));
  EXPECT_FALSE(parse_rfc3339("1000-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2262-04-10T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("1677-09-22T00:00:00Z"));
}

TEST(TimeUtilTest, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(format_rfc3339(TimePoint(std::chrono::seconds(0))), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace tripline
