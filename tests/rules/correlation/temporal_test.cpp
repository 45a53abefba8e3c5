#include <gtest/gtest.h>

#include "tests/rules/correlation/correlation_test_util.h"

namespace tripline::correlation::testing {
namespace {

std::string three_rules() {
  return base_rule("recon_a", "a") + "---\n" + base_rule("recon_b", "b") + "---\n" +
         base_rule("recon_c", "c") + "---\n";
}

std::string temporal(const std::string& type, const std::string& extra = "") {
  return three_rules() + "title: Recon\nid: recon\ncorrelation:\n    type: " + type +
         "\n    rules: [recon_a, recon_b, recon_c]\n    group-by: [user]\n    timespan: 5m\n" +
         extra + "level: high\n";
}

Event kind_event(double s, const std::string& kind, const std::string& user = "bob") {
  return Rules::event(s, R"({"kind":")" + kind + R"(","user":")" + user + "\"}");
}

TEST(Temporal, AllRulesInAnyOrderWithinTheTimespan) {
  Rules rules(temporal("temporal"));
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Event> events = {kind_event(0, "c"), kind_event(10, "a"), kind_event(10, "a"), kind_event(200, "b")};
  std::vector<Alert> alerts = rules.run(events, true, "recon");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 4u) << "every event behind the kept occurrences";
  EXPECT_EQ(alerts[0].sev, Sev::kSev1);
}

TEST(Temporal, AMissingRuleOrAnotherUserDoesNotComplete) {
  Rules rules(temporal("temporal"));
  std::vector<Event> events = {kind_event(0, "a"), kind_event(10, "b"), kind_event(20, "c", "eve"), kind_event(400, "c")};
  EXPECT_TRUE(rules.run(events, true, "recon").empty());
}

TEST(Temporal, ConditionCountsDistinctRules) {
  Rules rules(temporal("temporal", "    condition:\n        gte: 2\n"));
  std::vector<Event> events = {kind_event(0, "a"), kind_event(10, "a"), kind_event(20, "b")};
  EXPECT_EQ(rules.run(events, true, "recon").size(), 1u);
}

TEST(TemporalOrdered, FiresOnlyInTheGivenOrder) {
  Rules ordered(temporal("temporal_ordered"));
  ASSERT_TRUE(ordered.ok()) << ordered.diagnostics;
  std::vector<Event> good = {kind_event(0, "a"), kind_event(5, "c"), kind_event(10, "b"), kind_event(20, "c")};
  std::vector<Alert> alerts = ordered.run(good, true, "recon");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(*alerts[0].ends_at, t0() + std::chrono::minutes(5));

  Rules reversed(temporal("temporal_ordered"));
  std::vector<Event> bad = {kind_event(0, "c"), kind_event(10, "b"), kind_event(20, "a")};
  EXPECT_TRUE(reversed.run(bad, true, "recon").empty());
}

TEST(TemporalOrdered, LateMiddleEventStillCompletesTheSequence) {
  Rules rules(temporal("temporal_ordered"), "lateness: 1m");
  std::vector<Event> events = {kind_event(0, "a"), kind_event(20, "c"), kind_event(10, "b")};
  EXPECT_EQ(rules.run(events, true, "recon").size(), 1u);
}

TEST(TemporalOrdered, SequenceLongerThanTheTimespanDoesNotFire) {
  Rules rules(temporal("temporal_ordered"));
  std::vector<Event> events = {kind_event(0, "a"), kind_event(100, "b"), kind_event(301, "c")};
  EXPECT_TRUE(rules.run(events, true, "recon").empty());
}

// The spec's example: a correlation of a correlation (failed logins, then a success).
const std::string kChain = base_rule("failed_login", "fail") + "---\n" +
                           base_rule("successful_login", "ok") + R"(---
title: Many failures
id: many-failures
name: many_failed
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user]
    timespan: 10m
    condition:
        gte: 3
---
title: Success after failures
id: success-after-failures
correlation:
    type: temporal_ordered
    rules: [many_failed, successful_login]
    group-by: [user]
    timespan: 10m
level: high
)";

TEST(Chaining, CorrelationOfACorrelationFiresAndIntermediatesStaySilent) {
  Rules rules(kChain);
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Event> events = {kind_event(0, "fail"), kind_event(10, "fail"), kind_event(20, "fail"), kind_event(30, "ok")};
  std::vector<Alert> all = rules.run(events, true);
  ASSERT_EQ(all.size(), 1u) << "generate defaults to false: neither the rules nor the inner "
                               "correlation alert on their own";
  EXPECT_EQ(all[0].rule_id, "success-after-failures");
  EXPECT_EQ(all[0].count, 4u);
  EXPECT_EQ(all[0].group[0].second, "bob");
}

TEST(Chaining, SuccessMustFollowWithinTheTimespanOfTheFirstFailure) {
  Rules rules(kChain);
  std::vector<Event> events = {kind_event(0, "fail"), kind_event(10, "fail"), kind_event(20, "fail"), kind_event(601, "ok")};
  EXPECT_TRUE(rules.run(events, true, "success-after-failures").empty());
}

TEST(Aliases, GroupByAliasJoinsDifferentFieldsOfDifferentRules) {
  const std::string yaml = base_rule("internal_error", "err") + "---\n" +
                           base_rule("new_connection", "conn") + R"(---
title: Error then connection
id: err-conn
correlation:
    type: temporal
    rules: [internal_error, new_connection]
    group-by: [internal_ip]
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_connection: source.ip
level: high
)";
  Rules rules(yaml);
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Event> events = {
      Rules::event(0, R"({"kind":"err","destination":{"ip":"10.0.0.5"},"source":{"ip":"1.1.1.1"}})"),
      Rules::event(3, R"({"kind":"conn","source":{"ip":"10.0.0.5"},"destination":{"ip":"2.2.2.2"}})")};
  std::vector<Alert> alerts = rules.run(events, true, "err-conn");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].group[0], (std::pair<std::string, std::string>{"internal_ip", "10.0.0.5"}));
}

TEST(Compile, UnknownReferenceCycleAndValueOverCorrelationAreErrors) {
  Rules unknown(base_rule("r", "x") + "---\ntitle: C\nid: c\ncorrelation:\n    type: event_count\n"
                "    rules: [nope]\n    group-by: [u]\n    timespan: 1m\n    condition: {gte: 2}\n");
  EXPECT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.has_code("rules.correlation")) << unknown.diagnostics;

  Rules cycle("title: A\nid: a\nname: a\ncorrelation:\n    type: temporal\n    rules: [b]\n"
              "    group-by: [u]\n    timespan: 1m\n---\ntitle: B\nid: b\nname: b\n"
              "correlation:\n    type: temporal\n    rules: [a]\n    group-by: [u]\n"
              "    timespan: 1m\n");
  EXPECT_FALSE(cycle.ok());
  EXPECT_NE(cycle.diagnostics.find("cycle"), std::string::npos) << cycle.diagnostics;

  Rules value_over(kChain + "---\ntitle: V\nid: v\ncorrelation:\n    type: value_sum\n"
                   "    rules: [many_failed]\n    group-by: [user]\n    timespan: 1m\n"
                   "    condition: {field: n, gt: 1}\n");
  EXPECT_FALSE(value_over.ok());
  EXPECT_NE(value_over.diagnostics.find("is a correlation"), std::string::npos)
      << value_over.diagnostics;
}

}  // namespace
}  // namespace tripline::correlation::testing
