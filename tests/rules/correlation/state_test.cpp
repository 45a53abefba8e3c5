#include <gtest/gtest.h>

#include "rules/state/state_metrics.h"
#include "tests/rules/correlation/correlation_test_util.h"

namespace tripline::correlation::testing {
namespace {

std::string burst(int threshold) {
  return base_rule("login_failed", "fail") +
         "---\ntitle: Brute force\nid: brute-force\ncorrelation:\n    type: event_count\n"
         "    rules: [login_failed]\n    group-by: [source.ip]\n    timespan: 5m\n"
         "    condition:\n        gte: " +
         std::to_string(threshold) + "\nlevel: medium\n";
}

std::vector<Event> failures_from(double from, int n, const std::string& ip = "203.0.113.7") {
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(
        Rules::event(from + i * 10, R"({"kind":"fail","source":{"ip":")" + ip + R"("}})"));
  }
  return out;
}

TEST(CorrelationState, RestartMidWindowKeepsTheWindow) {
  // Uninterrupted: the alert the restarted agent must reproduce.
  Rules reference(burst(10));
  auto all = failures_from(0, 10);
  std::vector<Alert> expected = reference.run(all, true, "brute-force");
  ASSERT_EQ(expected.size(), 1u);

  const fs::path dir = temp_dir("restart");
  {
    state::StateRegistry registry(dir.string());
    Rules before(burst(10), "", &registry, "restart-a");
    ASSERT_TRUE(before.ok()) << before.diagnostics;
    registry.retain(before.result.state_keys);
    auto first = failures_from(0, 6);
    // The agent stops: finish() keeps open windows when state persists, then it saves.
    EXPECT_TRUE(before.run(first, true, "brute-force").empty());
    std::string error;
    ASSERT_TRUE(registry.save_all(error)) << error;
  }
  state::StateRegistry registry(dir.string());
  Rules after(burst(10), "", &registry, "restart-b");
  auto rest = failures_from(60, 4);
  std::vector<Alert> alerts = after.run(rest, true, "brute-force");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert_id, expected[0].alert_id);
  EXPECT_EQ(alerts[0].count, 10u);
  EXPECT_EQ(alerts[0].events.size(), 10u);
  fs::remove_all(dir);
}

TEST(CorrelationState, CorruptStateFileIsIgnoredAndTheRuleStartsEmpty) {
  const fs::path dir = temp_dir("corrupt");
  state::StateRegistry probe(dir.string());
  {
    state::StateRegistry registry(dir.string());
    Rules rules(burst(10), "", &registry, "corrupt-a");
    auto first = failures_from(0, 6);
    rules.run(first, true);
    std::string error;
    ASSERT_TRUE(registry.save_all(error));
  }
  for (const auto& f : fs::directory_iterator(dir / "rule-state")) {
    std::ofstream(f.path()) << "{\"format\":\"tripline-keyed-state\",\"version\":1,\"keys\":[[";
  }
  state::StateRegistry registry(dir.string());
  Rules rules(burst(10), "", &registry, "corrupt-b");
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  auto rest = failures_from(60, 4);
  EXPECT_TRUE(rules.run(rest, true, "brute-force").empty()) << "the six are gone";
  auto more = failures_from(100, 10);
  EXPECT_EQ(rules.run(more, true, "brute-force").size(), 1u) << "and the rule still works";
  fs::remove_all(dir);
}

TEST(CorrelationState, ReloadKeepsTheStateOfUnchangedRules) {
  state::StateRegistry registry;
  Rules before(burst(10), "", &registry, "reload-a");
  registry.retain(before.result.state_keys);
  auto first = failures_from(0, 6);
  EXPECT_TRUE(before.run(first, false, "brute-force").empty());
  // SIGHUP with the same rules: a new rule set, the same windows.
  Rules after(burst(10), "", &registry, "reload-b");
  ASSERT_TRUE(after.ok());
  registry.retain(after.result.state_keys);
  EXPECT_EQ(after.result.state_keys, before.result.state_keys);
  auto rest = failures_from(60, 4);
  EXPECT_EQ(after.run(rest, true, "brute-force").size(), 1u);
}

TEST(CorrelationState, ReloadDropsTheStateOfAChangedRule) {
  state::StateRegistry registry;
  Rules before(burst(10), "", &registry, "changed-a");
  registry.retain(before.result.state_keys);
  auto first = failures_from(0, 8);
  before.run(first, false);
  Rules after(burst(9), "", &registry, "changed-b");
  registry.retain(after.result.state_keys);
  EXPECT_NE(after.result.state_keys, before.result.state_keys);
  // The changed correlation's new state, and the alert lifecycle's tables (kept across reloads).
  EXPECT_EQ(registry.size(), 2u);
  auto rest = failures_from(100, 2);
  EXPECT_TRUE(after.run(rest, true, "brute-force").empty()) << "eight old failures forgotten";
}

TEST(CorrelationState, DistinctGroupsBeyondTheBoundAreEvictedAndCounted) {
  Rules rules(burst(10), "max_groups: 1000", nullptr, "lru");
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Alert> alerts;
  for (int i = 0; i < 100'000; ++i) {
    Event e = Rules::event(i * 0.001, R"({"kind":"fail","source":{"ip":"10.)" +
                                          std::to_string(i / 65536) + "." +
                                          std::to_string((i / 256) % 256) + "." +
                                          std::to_string(i % 256) + R"("}})");
    rules.result.matcher->evaluate(e, alerts);
  }
  // The attacker's own burst still fires while the flood is evicted around it.
  auto burst_events = failures_from(200, 10, "192.0.2.99");
  EXPECT_EQ(rules.run(burst_events, true, "brute-force").size(), 1u);
  EXPECT_TRUE(alerts.empty());
  const auto& metrics = state::StateMetrics::for_rule("brute-force");
  EXPECT_GE(metrics.evictions->Value(), 98'000.0);
  // finish() published the gauges.
  EXPECT_LE(metrics.keys->Value(), 1016.0);
  EXPECT_GT(metrics.bytes->Value(), 0.0);
  EXPECT_LT(metrics.bytes->Value(), 1016.0 * 2048);
}

}  // namespace
}  // namespace tripline::correlation::testing
