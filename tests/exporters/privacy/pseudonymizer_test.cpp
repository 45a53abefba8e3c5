#include "exporters/privacy/pseudonymizer.h"

#include <gtest/gtest.h>

#include "exporters/privacy/value_scrubber.h"

namespace tripline {
namespace {

TEST(PseudonymizerTest, HmacMatchesRfc4231TestCase2) {
  const Pseudonymizer p("Jefe", "k");
  EXPECT_EQ(p.hmac_hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PseudonymizerTest, TokenCarriesKeyIdAndFullHmac) {
  const Pseudonymizer p("0123456789abcdef0123", "k2026");
  const std::string t = p.token("203.0.113.9");
  EXPECT_EQ(t, "hmac:k2026:" + p.hmac_hex("203.0.113.9"));
  EXPECT_EQ(t.size(), std::string("hmac:k2026:").size() + 64);
}

TEST(PseudonymizerTest, DifferentKeysGiveDifferentTokensAndKeyIds) {
  const std::string k1 = "first key of sixteen+", k2 = "second key of sixteen";
  EXPECT_NE(Pseudonymizer(k1, "x").token("alice"), Pseudonymizer(k2, "x").token("alice"));
  EXPECT_NE(Pseudonymizer::default_key_id(k1), Pseudonymizer::default_key_id(k2));
  EXPECT_EQ(Pseudonymizer::default_key_id(k1).size(), 8u);
}

TEST(ValueScrubberTest, ReplacesLongValuesAnywhereAndShortOnesOnlyAsWords) {
  ValueScrubber s(4);
  s.add("root", "T1", true);
  s.add("bob", "T2", true);
  s.add("22", "[redacted]", false);
  s.add("x", "T3", true);
  EXPECT_EQ(s.scrub("Failed password for bob from x port 22"),
            "Failed password for T2 from x port [redacted]");
  EXPECT_EQ(s.scrub("/rootfs bobby 2022 x22"), "/T1fs bobby 2022 x22");
  EXPECT_EQ(s.scrub("{\"userName\":\"bob\"}"), "{\"userName\":\"T2\"}");
  EXPECT_EQ(s.scrub("22"), "[redacted]");
  EXPECT_EQ(s.scrub("x"), "T3") << "one byte: only as the whole string";
}

TEST(ValueScrubberTest, PrefersTheLongestMatchAndNeverRescansReplacements) {
  ValueScrubber s(3);
  s.add("10.0.0.1", "A", true);
  s.add("10.0.0.12", "B", true);
  // "abc" occurs in the replacement of "xyz": a second pass would corrupt the token.
  s.add("xyz", "hmac:abcabc", true);
  s.add("abc", "Z", true);
  EXPECT_EQ(s.scrub("from 10.0.0.12 and 10.0.0.1"), "from B and A");
  EXPECT_EQ(s.scrub("xyz"), "hmac:abcabc");
  EXPECT_EQ(s.scrub("<xyz abc>"), "<hmac:abcabc Z>");
}

TEST(ValueScrubberTest, PseudonymWinsOverDropMarkerForTheSameValue) {
  ValueScrubber s(3);
  s.add("alice", "[redacted]", false);
  s.add("alice", "hmac:k:1", true);
  s.add("alice", "[redacted]", false);
  EXPECT_EQ(s.scrub("user alice"), "user hmac:k:1");
}

}  // namespace
}  // namespace tripline
