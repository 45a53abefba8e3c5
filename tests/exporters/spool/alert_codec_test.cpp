#include "exporters/spool/alert_codec.h"

#include <gtest/gtest.h>

#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

TEST(AlertCodec, RoundTripKeepsEveryField) {
  Alert a = testing::make_alert(7);
  a.ends_at = a.time + std::chrono::minutes(5);
  a.change_id = "CHG-1";
  a.enrichment = {{"env", "prod"}};
  Alert b;
  ASSERT_TRUE(decode_alert(encode_alert(a), b));
  EXPECT_EQ(a.to_json(), b.to_json());
  ASSERT_TRUE(b.ends_at.has_value());
  EXPECT_EQ(*a.ends_at, *b.ends_at);
}

TEST(AlertCodec, AbsentEndsAtStaysAbsent) {
  Alert b;
  b.ends_at = TimePoint{};
  ASSERT_TRUE(decode_alert(encode_alert(testing::make_alert(1)), b));
  EXPECT_FALSE(b.ends_at.has_value());
}

TEST(AlertCodec, TruncatedOrExtendedInputIsRefused) {
  const std::string data = encode_alert(testing::make_alert(3));
  Alert b;
  for (size_t n = 0; n < data.size(); n += 7) {
    EXPECT_FALSE(decode_alert(std::string_view(data).substr(0, n), b)) << n;
  }
  EXPECT_FALSE(decode_alert(data + "x", b));
}

TEST(AlertCodec, ACountLargerThanTheRecordIsRefusedBeforeAnythingIsAllocated) {
  Alert a = testing::make_alert(3);
  a.group = {{"k", "v"}};
  std::string data = encode_alert(a);
  const std::string group("\x01\0\0\0\x01\0\0\0k\x01\0\0\0v", 14);
  const size_t at = data.find(group);
  ASSERT_NE(at, std::string::npos);
  data.replace(at, 4, std::string("\xff\xff\x0f\0", 4));  // 1,048,575 pairs, under kMaxItems
  Alert b;
  EXPECT_FALSE(decode_alert(data, b));
  EXPECT_EQ(b.group.capacity(), 0u) << "a million empty pairs were allocated for 14 bytes";
}

TEST(AlertCodec, UnknownVersionIsRefused) {
  std::string data = encode_alert(testing::make_alert(3));
  data[0] = 9;
  Alert b;
  EXPECT_FALSE(decode_alert(data, b));
}

}  // namespace
}  // namespace tripline
