#include "rules/baseline/rate_spike.h"

#include <gtest/gtest.h>

#include "baseline_test_util.h"

namespace tripline::baseline {
namespace {

using namespace testing;
using std::chrono::minutes;
using std::chrono::seconds;

const char* kDeniedSpikeRules = R"(title: denied
id: 11111111-1111-4111-8111-000000000001
logsource: {product: test}
detection:
  sel: {errorCode: AccessDenied}
  condition: sel
level: low
---
title: AccessDenied spike
id: 11111111-1111-4111-8111-0000000000b1
level: medium
baseline:
  type: rate_spike
  rules: [11111111-1111-4111-8111-000000000001]
  group-by: [user]
  window: 1m
  warmup: 3
  factor: 3
  min_count: 5
)";
const std::string kSpike = "11111111-1111-4111-8111-0000000000b1";

std::string denied(const std::string& user) {
  return R"({"errorCode":"AccessDenied","user":")" + user + R"("})";
}

// `n` events for `user` spread over the window starting at `start`.
size_t burst(sigma::SigmaMatcher& m, const std::string& user, TimePoint start, int n,
             std::vector<Alert>* out = nullptr) {
  size_t alerts = 0;
  for (int i = 0; i < n; ++i) {
    auto a = feed(m, denied(user), start + seconds(i % 60));
    alerts += count_rule(a, kSpike);
    if (out) out->insert(out->end(), a.begin(), a.end());
  }
  return alerts;
}

TEST(RateSpike, NoAlertDuringWarmUpHoweverLargeTheBurst) {
  Loaded l = load(kDeniedSpikeRules);
  ASSERT_TRUE(l.matcher) << l.dump();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(burst(*l.matcher, "bob", t, 100), 0u);
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(1), 2), 0u);
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(2), 100), 0u);
}

TEST(RateSpike, FiresOnceWhenTheWindowExceedsFactorTimesBaseline) {
  Loaded l = load(kDeniedSpikeRules);
  ASSERT_TRUE(l.matcher) << l.dump();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int w = 0; w < 5; ++w) EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(w), 4), 0u);
  // Baseline (alpha 0.5 over 4, 4, 4, 4, 4 a minute) is 3.875: 11 is not above 3x, 12 is.
  std::vector<Alert> alerts;
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(5), 11, &alerts), 0u);
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(5), 30, &alerts), 1u) << "once per window";
  ASSERT_EQ(alerts.size(), 1u) << "the referenced rule does not alert on its own";
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule_id, kSpike);
  EXPECT_EQ(a.count, 12u);
  EXPECT_EQ(a.group, (std::vector<std::pair<std::string, std::string>>{{"user", "bob"}}));
  ASSERT_TRUE(a.ends_at.has_value());
  EXPECT_EQ(*a.ends_at, t + minutes(6));
  EXPECT_EQ(field(a, "baseline.window_count"), "12");
  EXPECT_EQ(field(a, "baseline.expected"), "3.88");
  EXPECT_EQ(a.sev, Sev::kSev2);
}

TEST(RateSpike, MinCountKeepsSmallNumbersQuiet) {
  Loaded l = load(kDeniedSpikeRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int w = 0; w < 4; ++w) burst(*l.matcher, "seed", t + minutes(w), 1);
  // A new key after warm-up: its baseline is zero, but 4 < min_count.
  EXPECT_EQ(burst(*l.matcher, "carol", t + minutes(4), 4), 0u);
  EXPECT_EQ(burst(*l.matcher, "carol", t + minutes(4), 1), 1u);
}

TEST(RateSpike, QuietWindowsPullTheBaselineDown) {
  Loaded l = load(kDeniedSpikeRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int w = 0; w < 5; ++w) burst(*l.matcher, "bob", t + minutes(w), 10);
  // Right after, 20 is within 3x of ~10.
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(5), 20), 0u);
  // After an hour of silence the baseline has decayed: the same 20 is a spike.
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(65), 20), 1u);
}

TEST(RateSpike, KeysAreIndependentAndEventsWithoutTheGroupFieldAreNotCounted) {
  Loaded l = load(kDeniedSpikeRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int w = 0; w < 4; ++w) {
    burst(*l.matcher, "bob", t + minutes(w), 20);
    burst(*l.matcher, "eve", t + minutes(w), 1);
  }
  EXPECT_EQ(burst(*l.matcher, "bob", t + minutes(4), 20), 0u);
  EXPECT_EQ(burst(*l.matcher, "eve", t + minutes(4), 20), 1u);
  size_t none = 0;
  for (int i = 0; i < 50; ++i) {
    none += count_rule(feed(*l.matcher, R"({"errorCode":"AccessDenied"})", t + minutes(4)), kSpike);
  }
  EXPECT_EQ(none, 0u);
}

TEST(RateSpike, SameAlertIdForTheSameKeyAndWindow) {
  Loaded a = load(kDeniedSpikeRules), b = load(kDeniedSpikeRules);
  ASSERT_TRUE(a.matcher && b.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  std::vector<Alert> from_a, from_b;
  for (int w = 0; w < 4; ++w) {
    burst(*a.matcher, "x", t + minutes(w), 1);
    burst(*b.matcher, "x", t + minutes(w), 1);
  }
  burst(*a.matcher, "x", t + minutes(4), 10, &from_a);
  burst(*b.matcher, "x", t + minutes(4), 10, &from_b);
  ASSERT_EQ(from_a.size(), 1u);
  ASSERT_EQ(from_b.size(), 1u);
  EXPECT_EQ(from_a[0].alert_id, from_b[0].alert_id);
}

TEST(RateSpike, StateIsBoundedByMaxKeys) {
  std::string rules = kDeniedSpikeRules;
  rules += "  max_keys: 64\n";
  Loaded l = load(rules);
  ASSERT_TRUE(l.matcher) << l.dump();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int i = 0; i < 5000; ++i) feed(*l.matcher, denied("u" + std::to_string(i)), t);
  auto state = l.engine->rules()[0]->state();
  auto* store = dynamic_cast<RateSpike::Store*>(state.get());
  ASSERT_NE(store, nullptr);
  EXPECT_LE(store->size(), 64u + 16u);
  EXPECT_GE(store->evictions(), 5000u - 80u);
}

}  // namespace
}  // namespace tripline::baseline
