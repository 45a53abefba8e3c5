#include "rules/severity/lifecycle_config.h"

#include <gtest/gtest.h>

#include "lifecycle_test_util.h"

namespace tripline {
namespace {

using namespace lifecycle_testing;

TEST(LifecycleConfig, DefaultsDedupTenMinutesNoThrottleNoEscalation) {
  Diagnostics diags;
  auto p = policy_from("{}", diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(p->lifecycle().dedup_window, std::chrono::minutes(10));
  EXPECT_TRUE(p->lifecycle().throttles.empty());
  EXPECT_TRUE(p->lifecycle().escalations.empty());
  EXPECT_TRUE(p->changes().empty());
}

TEST(LifecycleConfig, ReadsEscalationAndThrottle) {
  Diagnostics diags;
  auto p = policy_from(R"(
dedup: {window: 1h, max_keys: 500}
max_groups: 1000
throttle:
  - {rule: r1, window: 10m, max_alerts: 5}
escalation:
  - {tag: attack.credential-access, count: 5, within: 1h, raise: 2, max: SEV1}
)",
                       diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items[0].to_string();
  const LifecycleConfig& c = p->lifecycle();
  EXPECT_EQ(c.dedup_window, std::chrono::hours(1));
  EXPECT_EQ(c.dedup_max_keys, 500u);
  EXPECT_EQ(c.max_groups, 1000u);
  ASSERT_NE(c.throttle_for("r1", "", {}), nullptr);
  EXPECT_EQ(c.throttle_for("r1", "", {})->max_alerts, 5u);
  EXPECT_EQ(c.throttle_for("r2", "", {}), nullptr);
  const auto* e = c.escalation_for("x", "", {"attack.credential-access"});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->count, 5u);
  EXPECT_EQ(e->raise, 2);
  EXPECT_EQ(e->ceiling, Sev::kSev1);
  EXPECT_EQ(c.escalation_for("x", "", {"attack.discovery"}), nullptr);
}

TEST(LifecycleConfig, BadValuesAreErrorsWithLines) {
  Diagnostics diags;
  policy_from(R"(
escalation:
  - {count: 1, within: 1h}
  - {count: 3}
  - {count: 3, within: 1h, max: SEV9}
throttle:
  - {window: 10m, max_alerts: 0}
  - {max_alerts: 2}
dedup: {windw: 1m}
)",
              diags);
  std::vector<int> lines;
  for (const Diagnostic& d : diags.items) lines.push_back(d.line);
  for (int line : {3, 4, 5, 7, 8, 9}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), line), lines.end()) << "line " << line;
  }
}

TEST(LifecycleConfig, UnknownSeverityKeysAreStillErrors) {
  Diagnostics diags;
  policy_from("escalations: []\n", diags);
  EXPECT_TRUE(diags.has_errors());
}

}  // namespace
}  // namespace tripline
