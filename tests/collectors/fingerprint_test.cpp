#include "collectors/tail/fingerprint.h"

#include <gtest/gtest.h>

#include <string>

namespace tripline {
namespace {

const std::string kLong(200, 'a');

TEST(FingerprintTest, CandidateStartingWithKnownPrefixIsTheSame) {
  EXPECT_EQ(compare_prefix(kLong + "more", kLong), PrefixRelation::kSame);
  EXPECT_EQ(compare_prefix(kLong, kLong), PrefixRelation::kSame);
}

TEST(FingerprintTest, ShorterCandidateThatIsAPrefixIsUndecided) {
  EXPECT_EQ(compare_prefix(kLong.substr(0, 10), kLong), PrefixRelation::kUndecided);
  EXPECT_EQ(compare_prefix("", kLong), PrefixRelation::kUndecided);
}

TEST(FingerprintTest, DifferentBytesAreDifferent) {
  EXPECT_EQ(compare_prefix("b" + kLong, kLong), PrefixRelation::kDifferent);
  EXPECT_EQ(compare_prefix("ab", "ac" + kLong), PrefixRelation::kDifferent);
}

TEST(FingerprintTest, ShortKnownContentIsNotTrustedForContentMatches) {
  EXPECT_EQ(compare_prefix("hello\nworld\n", "hello\n"), PrefixRelation::kDifferent);
}

TEST(FingerprintTest, HashMatchesOnlyTheFingerprintedPrefix) {
  const std::string fp = fingerprint_hash(kLong.substr(0, 100));
  EXPECT_TRUE(matches_fingerprint(kLong, 100, fp));
  EXPECT_FALSE(matches_fingerprint(kLong.substr(0, 99), 100, fp));
  EXPECT_FALSE(matches_fingerprint("b" + kLong, 100, fp));
}

}  // namespace
}  // namespace tripline
