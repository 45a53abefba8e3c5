#include <gtest/gtest.h>

#include "baseline_test_util.h"
#include "rules/state/state_registry.h"
#include "tests/support/temp_dir.h"

namespace tripline::baseline {
namespace {

using namespace testing;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const char* kDeniedRule = R"(title: denied
id: 11111111-1111-4111-8111-000000000001
logsource: {product: test}
detection:
  sel: {errorCode: AccessDenied}
  condition: sel
---
title: AccessDenied spike
id: 11111111-1111-4111-8111-0000000000b1
baseline:
  type: rate_spike
  rules: [11111111-1111-4111-8111-000000000001]
  group-by: [user]
  window: 1m
  warmup: 3
  factor: 3
  min_count: 5
---
title: login
id: 11111111-1111-4111-8111-000000000002
logsource: {product: test}
detection:
  sel: {eventName: ConsoleLogin}
  condition: sel
---
title: new login IP
id: 11111111-1111-4111-8111-0000000000b2
baseline:
  type: first_seen
  rules: [11111111-1111-4111-8111-000000000002]
  group-by: [user]
  field: ip
  learning: 1h
)";

size_t spikes(sigma::SigmaMatcher& m, TimePoint t, int n) {
  size_t out = 0;
  for (int i = 0; i < n; ++i) {
    out += count_rule(feed(m, R"({"errorCode":"AccessDenied","user":"bob"})", t + seconds(i)),
                      "11111111-1111-4111-8111-0000000000b1");
  }
  return out;
}

std::vector<Alert> login_at(sigma::SigmaMatcher& m, const std::string& ip, TimePoint t) {
  return feed(m, R"({"eventName":"ConsoleLogin","user":"bob","ip":")" + ip + R"("})", t);
}

TEST(BaselinePersistence, RestartKeepsWarmUpBaselinesAndLearnedValues) {
  ::tripline::testing::TempDir dir;
  const TimePoint t = at("2026-11-23T10:00:00Z");
  {
    state::StateRegistry registry(dir.path());
    Loaded l = load(kDeniedRule, &registry);
    ASSERT_TRUE(l.matcher) << l.dump();
    for (int w = 0; w < 4; ++w) spikes(*l.matcher, t + minutes(w), 1);
    EXPECT_TRUE(login_at(*l.matcher, "192.0.2.1", t).empty());
    std::string error;
    ASSERT_TRUE(registry.save_all(error)) << error;
  }
  state::StateRegistry registry(dir.path());
  Loaded l = load(kDeniedRule, &registry);
  ASSERT_TRUE(l.matcher) << l.dump();
  // Warm-up survived the restart: five events at once are a spike over a baseline of ~1.
  EXPECT_EQ(spikes(*l.matcher, t + minutes(4), 5), 1u);
  // bob's learned address is still known, and his learning period still counts from before.
  EXPECT_TRUE(login_at(*l.matcher, "192.0.2.1", t + hours(2)).empty());
  EXPECT_EQ(login_at(*l.matcher, "203.0.113.5", t + hours(2)).size(), 1u);
}

TEST(BaselinePersistence, WithoutSavedStateARestartLearnsAgain) {
  ::tripline::testing::TempDir dir;
  const TimePoint t = at("2026-11-23T10:00:00Z");
  {
    state::StateRegistry registry(dir.path());
    Loaded l = load(kDeniedRule, &registry);
    ASSERT_TRUE(l.matcher);
    for (int w = 0; w < 4; ++w) spikes(*l.matcher, t + minutes(w), 1);
  }
  state::StateRegistry registry(dir.path());
  Loaded l = load(kDeniedRule, &registry);
  ASSERT_TRUE(l.matcher);
  EXPECT_EQ(spikes(*l.matcher, t + minutes(4), 5), 0u) << "warm-up starts over";
}

TEST(BaselinePersistence, ReloadOfAnUnchangedRuleKeepsTheSameState) {
  state::StateRegistry registry;
  const TimePoint t = at("2026-11-23T10:00:00Z");
  Loaded first = load(kDeniedRule, &registry);
  ASSERT_TRUE(first.matcher);
  for (int w = 0; w < 4; ++w) spikes(*first.matcher, t + minutes(w), 1);
  Loaded second = load(kDeniedRule, &registry);
  ASSERT_TRUE(second.matcher);
  EXPECT_EQ(spikes(*second.matcher, t + minutes(4), 5), 1u);
  // A changed definition starts fresh.
  std::string changed = kDeniedRule;
  changed.replace(changed.find("warmup: 3"), 9, "warmup: 2");
  Loaded third = load(changed, &registry);
  ASSERT_TRUE(third.matcher);
  EXPECT_EQ(spikes(*third.matcher, t + minutes(5), 5), 0u);
}

}  // namespace
}  // namespace tripline::baseline
