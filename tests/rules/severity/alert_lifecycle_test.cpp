#include "rules/severity/alert_lifecycle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lifecycle_test_util.h"
#include "rules/severity/lifecycle_metrics.h"

namespace tripline {
namespace {

using namespace lifecycle_testing;
using std::chrono::minutes;
using std::chrono::seconds;

std::shared_ptr<AlertLifecycle> make_lifecycle(const std::string& yaml,
                                     std::unordered_map<std::string, LifecycleRule> rules = {}) {
  Diagnostics diags;
  auto policy = policy_from(yaml, diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return std::make_shared<AlertLifecycle>(policy, std::move(rules));
}

LifecycleRule throttled(std::chrono::milliseconds window, uint64_t max) {
  LifecycleRule r;
  r.throttle = ThrottleSpec{window, max};
  return r;
}

TEST(AlertLifecycleDedup, SameAlertIdInsideTheWindowGoesOutOnce) {
  auto lc = make_lifecycle("dedup: {window: 10m}");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t + minutes(9))).size(), 0u);
  EXPECT_EQ(pass(*lc, alert("r", "id-2", t + minutes(9))).size(), 1u);
}

TEST(AlertLifecycleDedup, SameAlertIdAfterTheWindowGoesOutAgain) {
  auto lc = make_lifecycle("dedup: {window: 10m}");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t + minutes(10))).size(), 1u);
}

TEST(AlertLifecycleDedup, ZeroWindowTurnsDedupOff) {
  auto lc = make_lifecycle("dedup: {window: 0s}");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "id-1", t)).size(), 1u);
}

TEST(AlertLifecycleDedup, DuplicatesAreCountedPerRule) {
  auto lc = make_lifecycle("{}");
  auto& counter = LifecycleMetrics::global().suppressed("dedup-metric-rule", "duplicate");
  const double before = counter.Value();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("dedup-metric-rule", "m-1", t));
  pass(*lc, alert("dedup-metric-rule", "m-1", t));
  pass(*lc, alert("dedup-metric-rule", "m-1", t));
  EXPECT_EQ(counter.Value() - before, 2.0);
}

TEST(AlertLifecycleDedup, BoundedTableEvictsOldestAndCountsIt) {
  auto lc = make_lifecycle("dedup: {window: 1h, max_keys: 16}");
  auto& evictions = LifecycleMetrics::global().evictions("dedup");
  const double before = evictions.Value();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  for (int i = 0; i < 1000; ++i) pass(*lc, alert("r", "id-" + std::to_string(i), t));
  EXPECT_GE(evictions.Value() - before, 1000.0 - 16.0);
  // The most recent ids are still remembered.
  EXPECT_EQ(pass(*lc, alert("r", "id-999", t)).size(), 0u);
}

TEST(AlertLifecycleDedup, ConcurrentWorkersLetExactlyOneCopyThrough) {
  auto lc = make_lifecycle("{}");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  std::atomic<int> passed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        passed += static_cast<int>(pass(*lc, alert("r", "c-" + std::to_string(i), t)).size());
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(passed.load(), 200);
}

TEST(AlertLifecycleThrottle, HoldsBackPastMaxAndSummarisesWhenTheWindowEnds) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(10), 2)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  int out = 0;
  for (int i = 0; i < 5; ++i) {
    Alert a = alert("r", "t-" + std::to_string(i), t + seconds(i), Sev::kSev2);
    a.count = 3;
    out += static_cast<int>(pass(*lc, std::move(a)).size());
  }
  EXPECT_EQ(out, 2);
  std::vector<Alert> due;
  lc->advance(t + minutes(9), due);
  EXPECT_TRUE(due.empty()) << "the window has not ended yet";
  lc->advance(t + minutes(10), due);
  ASSERT_EQ(due.size(), 1u);
  const Alert& s = due[0];
  EXPECT_EQ(s.rule_id, "r");
  EXPECT_EQ(s.count, 9u) << "three held-back alerts of three events each";
  ASSERT_TRUE(s.ends_at.has_value());
  EXPECT_EQ(*s.ends_at, t + minutes(10));
  bool found = false;
  for (const auto& [k, v] : s.fields) found |= k == "throttle.suppressed_alerts" && v == "3";
  EXPECT_TRUE(found);
  EXPECT_NE(s.alert_id, "t-2");
  // Exactly one summary: a later tick has nothing more.
  due.clear();
  lc->advance(t + minutes(30), due);
  lc->finish(due);
  EXPECT_TRUE(due.empty());
}

TEST(AlertLifecycleThrottle, ConcurrentWorkersShareOneWindowAndOneSummary) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(10), 5)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  std::atomic<int> passed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < 100; ++i) {
        const std::string id = std::to_string(w) + "-" + std::to_string(i);
        passed += static_cast<int>(pass(*lc, alert("r", id, t + seconds(i))).size());
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(passed.load(), 5);
  std::vector<Alert> out;
  lc->finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].count, 795u);
}

TEST(AlertLifecycleThrottle, WindowWithoutHeldBackAlertsHasNoSummary) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(10), 5)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "a", t)).size(), 1u);
  std::vector<Alert> due;
  lc->advance(t + minutes(20), due);
  lc->finish(due);
  EXPECT_TRUE(due.empty());
}

TEST(AlertLifecycleThrottle, LaterAlertClosesTheWindowAndItsSummaryComesFirst) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(5), 1)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "a", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "b", t + minutes(1))).size(), 0u);
  const auto out = pass(*lc, alert("r", "c", t + minutes(6)));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].title.find("1 more held back"), std::string::npos) << out[0].title;
  EXPECT_EQ(out[1].alert_id, "c");
}

TEST(AlertLifecycleThrottle, FinishFlushesOpenWindows) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(5), 1)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("r", "a", t));
  pass(*lc, alert("r", "b", t));
  std::vector<Alert> out;
  lc->finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].count, 1u);
}

TEST(AlertLifecycleThrottle, GroupsAreThrottledSeparately) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(5), 1)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "a", t, Sev::kSev2, {{"ip", "1.1.1.1"}})).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "b", t, Sev::kSev2, {{"ip", "2.2.2.2"}})).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "c", t, Sev::kSev2, {{"ip", "1.1.1.1"}})).size(), 0u);
}

TEST(AlertLifecycleThrottle, MoreUrgentAlertBreaksThrough) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(5), 1)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("r", "a", t, Sev::kSev3)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "b", t, Sev::kSev3)).size(), 0u);
  EXPECT_EQ(pass(*lc, alert("r", "c", t, Sev::kSev1)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("r", "d", t, Sev::kSev1)).size(), 0u);
}

TEST(AlertLifecycleThrottle, SummaryIsAsUrgentAsTheWorstHeldBackAlert) {
  auto lc = make_lifecycle("{}", {{"r", throttled(minutes(5), 2)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("r", "a", t, Sev::kSev1));
  pass(*lc, alert("r", "b", t, Sev::kSev1));
  pass(*lc, alert("r", "c", t, Sev::kSev3));
  pass(*lc, alert("r", "d", t, Sev::kSev2));
  std::vector<Alert> out;
  lc->finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sev, Sev::kSev2);
}

TEST(AlertLifecycleThrottle, PolicyThrottleSelectsRulesByTag) {
  LifecycleRule tagged;
  tagged.tags = {"attack.discovery"};
  auto lc = make_lifecycle("throttle: [{tag: 'attack.disc*', window: 10m, max_alerts: 1}]",
                 {{"tagged", tagged}, {"other", LifecycleRule{}}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_EQ(pass(*lc, alert("tagged", "a", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("tagged", "b", t)).size(), 0u);
  EXPECT_EQ(pass(*lc, alert("other", "c", t)).size(), 1u);
  EXPECT_EQ(pass(*lc, alert("other", "d", t)).size(), 1u);
}

TEST(AlertLifecycleThrottle, RuleThrottleWinsOverPolicy) {
  LifecycleRule own = throttled(minutes(10), 3);
  own.tags = {"x"};
  auto lc = make_lifecycle("throttle: [{tag: x, window: 10m, max_alerts: 1}]", {{"r", own}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  int out = 0;
  for (int i = 0; i < 5; ++i)
    out += static_cast<int>(pass(*lc, alert("r", std::to_string(i), t)).size());
  EXPECT_EQ(out, 3);
}

TEST(AlertLifecycleThrottle, EvictedWindowStillReportsWhatItHeldBack) {
  auto lc = make_lifecycle("max_groups: 16", {{"r", throttled(minutes(10), 1)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("r", "a", t, Sev::kSev2, {{"ip", "victim"}}));
  pass(*lc, alert("r", "b", t, Sev::kSev2, {{"ip", "victim"}}));
  size_t summaries = 0;
  for (int i = 0; i < 2000; ++i) {
    for (const Alert& a : pass(*lc, alert("r", "x" + std::to_string(i), t, Sev::kSev2,
                                          {{"ip", std::to_string(i)}}))) {
      summaries += a.group == std::vector<std::pair<std::string, std::string>>{{"ip", "victim"}};
    }
  }
  std::vector<Alert> rest;
  lc->finish(rest);
  for (const Alert& a : rest) {
    summaries += a.group == std::vector<std::pair<std::string, std::string>>{{"ip", "victim"}};
  }
  EXPECT_EQ(summaries, 1u);
}

TEST(AlertLifecycleEscalation, SameGroupFiringNTimesWithinTRaisesOneGrade) {
  auto lc = make_lifecycle("escalation: [{count: 3, within: 1h}]");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  const auto g = std::vector<std::pair<std::string, std::string>>{{"user", "bob"}};
  EXPECT_EQ(pass(*lc, alert("r", "1", t, Sev::kSev2, g))[0].sev, Sev::kSev2);
  EXPECT_EQ(pass(*lc, alert("r", "2", t + minutes(10), Sev::kSev2, g))[0].sev, Sev::kSev2);
  const auto third = pass(*lc, alert("r", "3", t + minutes(20), Sev::kSev2, g));
  EXPECT_EQ(third[0].sev, Sev::kSev1);
  bool noted = false;
  for (const auto& [k, v] : third[0].fields) noted |= k == "escalated_from" && v == "SEV2";
  EXPECT_TRUE(noted);
  // Another group has its own count.
  EXPECT_EQ(pass(*lc, alert("r", "4", t + minutes(20), Sev::kSev2, {{"user", "eve"}}))[0].sev,
            Sev::kSev2);
}

TEST(AlertLifecycleEscalation, FiringsSpreadWiderThanTDoNotEscalate) {
  auto lc = make_lifecycle("escalation: [{count: 3, within: 30m}]");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  Sev last = Sev::kSev4;
  for (int i = 0; i < 6; ++i)
    last = pass(*lc, alert("r", std::to_string(i), t + minutes(20 * i)))[0].sev;
  EXPECT_EQ(last, Sev::kSev2);
}

TEST(AlertLifecycleEscalation, RaiseStopsAtTheCeiling) {
  auto lc = make_lifecycle("escalation: [{count: 2, within: 1h, raise: 3, max: SEV1}]");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("r", "1", t, Sev::kSev3));
  EXPECT_EQ(pass(*lc, alert("r", "2", t, Sev::kSev3))[0].sev, Sev::kSev1);
  // Already more urgent than the ceiling: never lowered.
  pass(*lc, alert("q", "3", t, Sev::kSev0));
  EXPECT_EQ(pass(*lc, alert("q", "4", t, Sev::kSev0))[0].sev, Sev::kSev0);
}

TEST(AlertLifecycleEscalation, DuplicatesDoNotCountTowardsEscalation) {
  auto lc = make_lifecycle("escalation: [{count: 2, within: 1h}]");
  const TimePoint t = at("2026-11-23T10:00:00Z");
  pass(*lc, alert("r", "same", t));
  EXPECT_TRUE(pass(*lc, alert("r", "same", t)).empty());
  EXPECT_EQ(pass(*lc, alert("r", "other", t))[0].sev, Sev::kSev1);
}

TEST(AlertLifecycleResolution, EndsAtAndEveryOtherFieldPassThrough) {
  auto lc = make_lifecycle("escalation: [{count: 5, within: 1h}]", {{"r", throttled(minutes(5), 3)}});
  const TimePoint t = at("2026-11-23T10:00:00Z");
  Alert a = alert("r", "w", t, Sev::kSev2, {{"source.ip", "203.0.113.7"}});
  a.ends_at = t + minutes(5);
  a.count = 12;
  a.runbook = "https://runbooks/x";
  const auto out = pass(*lc, a);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ends_at.has_value());
  EXPECT_EQ(*out[0].ends_at, t + minutes(5));
  EXPECT_EQ(out[0].to_json(), a.to_json());
}

}  // namespace
}  // namespace tripline
