#include "rules/severity/lifecycle_matcher.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/time_util.h"
#include "rules/rule_loader.h"
#include "rules/state/state_registry.h"
#include "tests/rules/sigma/sigma_test_util.h"
#include "tests/support/temp_dir.h"

namespace tripline {
namespace {

const char* kThrottledRule = R"(title: noisy
id: 22222222-3333-4444-8555-666666666666
logsource: {product: test}
detection:
  selection: {action: poke}
  condition: selection
level: low
throttle: {window: 10m, max_alerts: 2}
)";

Event poke(int i, const std::string& time) {
  Event e =
      sigma::testing::json_event(R"({"action":"poke","eventID":"e)" + std::to_string(i) + R"("})");
  e.set_event_time(*parse_rfc3339(time));
  return e;
}

RuleLoadResult load(const testing::TempDir& dir, const std::string& severity_yaml = "{}",
                    state::StateRegistry* registry = nullptr) {
  std::ofstream(dir / "noisy.yml") << kThrottledRule;
  RulesConfig config;
  config.paths = {dir.path()};
  config.severity = YAML::Load(severity_yaml);
  RuleLoadOptions options;
  options.state_registry = registry;
  return load_rules(config, "", options);
}

TEST(LifecycleMatcher, LoadRulesAppliesTheRuleThrottleAndItsSummary) {
  testing::TempDir dir;
  RuleLoadResult r = load(dir);
  ASSERT_TRUE(r.matcher) << (r.diagnostics.items.empty() ? "" : r.diagnostics.items[0].to_string());
  ASSERT_NE(dynamic_cast<LifecycleMatcher*>(r.matcher.get()), nullptr);
  std::vector<Alert> alerts;
  for (int i = 0; i < 6; ++i) r.matcher->evaluate(poke(i, "2026-11-23T10:00:00Z"), alerts);
  EXPECT_EQ(alerts.size(), 2u);
  alerts.clear();
  r.matcher->finish(alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 4u);
}

TEST(LifecycleMatcher, ReplayedEventsAreDeduplicatedByAlertId) {
  testing::TempDir dir;
  RuleLoadResult r = load(dir, "{}");
  ASSERT_TRUE(r.matcher);
  std::vector<Alert> alerts;
  r.matcher->evaluate(poke(7, "2026-11-23T10:00:00Z"), alerts);
  r.matcher->evaluate(poke(7, "2026-11-23T10:00:00Z"), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST(LifecycleMatcher, AlertsAlreadyInTheVectorAreLeftAlone) {
  testing::TempDir dir;
  RuleLoadResult r = load(dir);
  ASSERT_TRUE(r.matcher);
  std::vector<Alert> alerts(1);
  alerts[0].alert_id = "earlier";
  for (int i = 0; i < 3; ++i) r.matcher->evaluate(poke(i, "2026-11-23T10:00:00Z"), alerts);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].alert_id, "earlier");
}

TEST(LifecycleMatcher, ReloadKeepsOpenThrottleWindowsAndTheirSummary) {
  testing::TempDir dir;
  state::StateRegistry registry;
  RuleLoadResult before = load(dir, "{}", &registry);
  ASSERT_TRUE(before.matcher);
  std::vector<Alert> alerts;
  for (int i = 0; i < 5; ++i) before.matcher->evaluate(poke(i, "2026-11-23T10:00:00Z"), alerts);
  EXPECT_EQ(alerts.size(), 2u);
  // SIGHUP: the same rules load again and take over.
  RuleLoadResult after = load(dir, "{}", &registry);
  ASSERT_TRUE(after.matcher);
  alerts.clear();
  after.matcher->evaluate(poke(9, "2026-11-23T10:01:00Z"), alerts);
  EXPECT_TRUE(alerts.empty()) << "still inside the window opened before the reload";
  after.matcher->evaluate(poke(0, "2026-11-23T10:00:00Z"), alerts);
  EXPECT_TRUE(alerts.empty()) << "and the ids sent before the reload are still known";
  after.matcher->finish(alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 4u) << "three held back before the reload, one after";
}

}  // namespace
}  // namespace tripline
