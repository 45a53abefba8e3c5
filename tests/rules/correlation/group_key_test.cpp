#include <gtest/gtest.h>

#include "rules/correlation/correlation_engine.h"

namespace tripline::correlation {
namespace {

TEST(GroupKey, RoundTripsMissingEmptyAndArbitraryBytes) {
  const GroupValues values = {std::string("10.0.0.1"), std::nullopt, std::string(""),
                              std::string("a:b-1:\x1f\n\0z", 11), std::string("-")};
  const std::string key = encode_group_key(values);
  GroupValues back;
  ASSERT_TRUE(decode_group_key(key, back));
  EXPECT_EQ(back, values);
}

TEST(GroupKey, MissingAndEmptyValuesGiveDifferentKeys) {
  EXPECT_NE(encode_group_key({std::nullopt}), encode_group_key({std::string()}));
  EXPECT_NE(encode_group_key({std::string("a"), std::string("bc")}),
            encode_group_key({std::string("ab"), std::string("c")}));
}

TEST(GroupKey, DamagedKeysAreRejected) {
  GroupValues out;
  EXPECT_FALSE(decode_group_key("5:abc", out));
  EXPECT_FALSE(decode_group_key("x", out));
  EXPECT_FALSE(decode_group_key("3abc", out));
}

}  // namespace
}  // namespace tripline::correlation
