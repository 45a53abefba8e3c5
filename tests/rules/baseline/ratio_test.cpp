#include "rules/baseline/ratio.h"

#include <gtest/gtest.h>

#include "baseline_test_util.h"

namespace tripline::baseline {
namespace {

using namespace testing;
using std::chrono::minutes;
using std::chrono::seconds;

const char* kApiCallRules = R"(title: api call
id: 11111111-1111-4111-8111-000000000003
logsource: {product: test}
detection:
  sel: {eventSource|exists: true}
  condition: sel
---
title: api error
id: 11111111-1111-4111-8111-000000000004
logsource: {product: test}
detection:
  sel: {errorCode|exists: true}
  condition: sel
---
title: API error rate per principal
id: 11111111-1111-4111-8111-0000000000b3
sev: SEV1
baseline:
  type: ratio
  rules: [11111111-1111-4111-8111-000000000003]
  numerator: 11111111-1111-4111-8111-000000000004
  group-by: [user]
  window: 5m
  threshold: 0.5
  min_total: 20
)";
const std::string kRatio = "11111111-1111-4111-8111-0000000000b3";

std::string call(const std::string& user, bool error) {
  return R"({"eventSource":"s3.amazonaws.com","user":")" + user + '"' +
         (error ? R"(,"errorCode":"AccessDenied"})" : "}");
}

size_t calls(sigma::SigmaMatcher& m, const std::string& user, TimePoint t, int ok, int failed,
             std::vector<Alert>* out = nullptr) {
  size_t n = 0;
  for (int i = 0; i < ok + failed; ++i) {
    auto a = feed(m, call(user, i < failed), t + seconds(i));
    n += count_rule(a, kRatio);
    if (out) out->insert(out->end(), a.begin(), a.end());
  }
  return n;
}

TEST(Ratio, FiresOnceWhenTheShareExceedsTheThresholdWithEnoughEvents) {
  Loaded l = load(kApiCallRules);
  ASSERT_TRUE(l.matcher) << l.dump();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  std::vector<Alert> alerts;
  EXPECT_EQ(calls(*l.matcher, "bob", t, 9, 11, &alerts), 1u);
  EXPECT_EQ(calls(*l.matcher, "bob", t + seconds(30), 0, 20, &alerts), 0u) << "once per window";
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].sev, Sev::kSev1);
  EXPECT_EQ(alerts[0].count, 20u);
  EXPECT_EQ(field(alerts[0], "baseline.share"), "0.550");
  ASSERT_TRUE(alerts[0].ends_at.has_value());
  EXPECT_EQ(*alerts[0].ends_at, t + minutes(5));
}

TEST(Ratio, BelowMinTotalOrAtTheThresholdStaysQuiet) {
  Loaded l = load(kApiCallRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(calls(*l.matcher, "few", t, 0, 19), 0u) << "19 events < min_total";
  EXPECT_EQ(calls(*l.matcher, "half", t, 10, 10), 0u) << "50% is not over 50%";
}

TEST(Ratio, WindowsStartAfresh) {
  Loaded l = load(kApiCallRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(calls(*l.matcher, "bob", t, 10, 9), 0u);
  // The next window does not inherit the 19 events of the last one.
  EXPECT_EQ(calls(*l.matcher, "bob", t + minutes(5), 0, 19), 0u);
  EXPECT_EQ(calls(*l.matcher, "bob", t + minutes(5) + seconds(30), 0, 1), 1u);
}

TEST(Ratio, ReferencedRulesDoNotAlertOnTheirOwnUnlessGenerate) {
  Loaded l = load(kApiCallRules);
  ASSERT_TRUE(l.matcher);
  EXPECT_TRUE(feed(*l.matcher, call("x", true), at("2026-11-23T10:00:00Z")).empty());
  std::string gen = kApiCallRules;
  gen += "generate: true\n";
  Loaded g = load(gen);
  ASSERT_TRUE(g.matcher) << g.dump();
  EXPECT_EQ(feed(*g.matcher, call("x", true), at("2026-11-23T10:00:00Z")).size(), 2u);
}

}  // namespace
}  // namespace tripline::baseline
