// Acceptance (#8): SIGHUP to a running `tripline run` reloads rules all or nothing, counts the
// result in tripline_config_reloads_total{result}, and keeps the window state of rules that did
// not change, so a burst that straddles a reload still correlates.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/support/agent_harness.h"

namespace tripline {
namespace {

using std::chrono::seconds;

const char* kLoginRules = R"(title: login failed
id: 3c4f3b52-8a5e-4b0e-9d41-000000000001
name: login_failed
logsource: { product: faulttest }
detection:
  selection: { kind: login, outcome: failure }
  condition: selection
level: low
---
title: repeated login failures
id: 3c4f3b52-8a5e-4b0e-9d41-000000000002
correlation:
  type: event_count
  rules: [login_failed]
  group-by: [user]
  timespan: 1h
  condition: { gte: 3 }
generate: true
level: high
)";

const char* kExtraRule = R"(title: extra rule
id: 3c4f3b52-8a5e-4b0e-9d41-000000000003
logsource: { product: faulttest }
detection:
  selection: { kind: extra }
  condition: selection
level: low
)";

std::string login_failure(int second) {
  return R"({"kind":"login","outcome":"failure","user":"alice","timestamp":"2026-11-23T10:00:0)" +
         std::to_string(second) + "Z\"}\n";
}

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(agent_.path("log"));
    std::filesystem::create_directories(agent_.path("rules"));
    testing::write_file(agent_.path("rules/login.yml"), kLoginRules);
    agent_.write_config(
        testing::tail_agent_config(agent_.dir(), testing::alert_file_output(agent_.dir())));
  }

  void append_log(const std::string& lines) {
    std::ofstream(agent_.path("log/app.log"), std::ios::app) << lines;
  }
  size_t alerts_titled(const std::string& title) const {
    return testing::count_occurrences(testing::read_file(agent_.path("alerts.jsonl")),
                                      "\"title\":\"" + title + "\"");
  }
  bool wait_for_alerts(const std::string& title, size_t n) const {
    return testing::eventually([&] { return alerts_titled(title) >= n; }, seconds(30));
  }
  double reloads(const std::string& result) const {
    return agent_.metric("tripline_config_reloads_total{result=\"" + result + "\"}");
  }
  bool reload_and_wait(const std::string& result, double expected) {
    agent_.process()->signal(SIGHUP);
    return testing::eventually([&] { return reloads(result) == expected; }, seconds(30));
  }

  testing::AgentHarness agent_{"reload-agent"};
};

TEST_F(ReloadTest, SighupAddsARuleAndKeepsTheWindowOfTheUnchangedCorrelation) {
  append_log(login_failure(1) + login_failure(2));
  ASSERT_TRUE(agent_.start()) << agent_.log();
  ASSERT_TRUE(wait_for_alerts("login failed", 2)) << agent_.log();
  EXPECT_EQ(alerts_titled("repeated login failures"), 0u);

  testing::write_file(agent_.path("rules/extra.yml"), kExtraRule);
  ASSERT_TRUE(reload_and_wait("success", 1)) << agent_.log();

  // The third failure lands after the reload: only the kept window has the first two.
  append_log(login_failure(3) + R"({"kind":"extra"})" + "\n");
  ASSERT_TRUE(wait_for_alerts("repeated login failures", 1)) << agent_.log();
  ASSERT_TRUE(wait_for_alerts("extra rule", 1)) << agent_.log();
  EXPECT_NE(testing::read_file(agent_.path("alerts.jsonl")).find("\"count\":3"), std::string::npos);
  EXPECT_TRUE(std::isnan(reloads("failure")) || reloads("failure") == 0);
  EXPECT_EQ(agent_.stop(), 0);
}

TEST_F(ReloadTest, AChangedCorrelationStartsAFreshWindow) {
  append_log(login_failure(1) + login_failure(2));
  ASSERT_TRUE(agent_.start()) << agent_.log();
  ASSERT_TRUE(wait_for_alerts("login failed", 2)) << agent_.log();

  std::string changed = kLoginRules;
  changed.replace(changed.find("timespan: 1h"), 12, "timespan: 2h");
  testing::write_file(agent_.path("rules/login.yml"), changed);
  ASSERT_TRUE(reload_and_wait("success", 1)) << agent_.log();

  append_log(login_failure(3));
  ASSERT_TRUE(wait_for_alerts("login failed", 3)) << agent_.log();
  // A kept window would hold three failures now and fire with this event's batch.
  EXPECT_EQ(alerts_titled("repeated login failures"), 0u);
  append_log(login_failure(4) + login_failure(5));
  ASSERT_TRUE(wait_for_alerts("login failed", 5)) << agent_.log();
  // Failures 3, 4 and 5 fill the new rule's window; 1 and 2 belonged to the old definition.
  ASSERT_TRUE(wait_for_alerts("repeated login failures", 1)) << agent_.log();
  const std::string alerts = testing::read_file(agent_.path("alerts.jsonl"));
  EXPECT_EQ(testing::count_occurrences(alerts, "\"title\":\"repeated login failures\""), 1u);
  EXPECT_NE(alerts.find("\"count\":3"), std::string::npos);
  EXPECT_EQ(alerts.find("\"count\":4"), std::string::npos);
  EXPECT_EQ(agent_.stop(), 0);
}

TEST_F(ReloadTest, ABrokenRuleFileRejectsTheWholeReloadAndTheRunningRulesGoOn) {
  ASSERT_TRUE(agent_.start()) << agent_.log();
  testing::write_file(agent_.path("rules/extra.yml"), kExtraRule);
  testing::write_file(agent_.path("rules/broken.yml"),
                      "title: broken\nlogsource: { product: faulttest }\ndetection:\n"
                      "  selection: { kind: x }\n  condition: selection and missing_block\n");
  ASSERT_TRUE(reload_and_wait("failure", 1)) << agent_.log();
  EXPECT_NE(agent_.log().find("broken.yml"), std::string::npos) << agent_.log();

  // All or nothing: extra.yml, valid on its own, did not load with the broken file.
  append_log(login_failure(1) + R"({"kind":"extra"})" + "\n");
  ASSERT_TRUE(wait_for_alerts("login failed", 1)) << agent_.log();
  EXPECT_EQ(alerts_titled("extra rule"), 0u);

  std::filesystem::remove(agent_.path("rules/broken.yml"));
  ASSERT_TRUE(reload_and_wait("success", 1)) << agent_.log();
  append_log(R"({"kind":"extra"})" "\n");
  ASSERT_TRUE(wait_for_alerts("extra rule", 1)) << agent_.log();
  EXPECT_TRUE(agent_.running());
  EXPECT_EQ(agent_.stop(), 0);
}

}  // namespace
}  // namespace tripline
