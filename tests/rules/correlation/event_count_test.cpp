#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/metrics.h"
#include "tests/rules/correlation/correlation_test_util.h"

namespace tripline::correlation::testing {
namespace {

const std::string kBurst = base_rule("login_failed", "fail") + R"(---
title: Brute force
id: brute-force
correlation:
    type: event_count
    rules:
        - login_failed
    group-by:
        - source.ip
    timespan: 5m
    condition:
        gte: 10
generate: true
level: medium
)";

std::vector<Event> failures(const std::vector<double>& seconds, const std::string& ip) {
  std::vector<Event> out;
  for (double s : seconds) {
    out.push_back(Rules::event(s, R"({"kind":"fail","source":{"ip":")" + ip + R"("}})"));
  }
  return out;
}

double late_events(const std::string& rule_id) {
  for (const auto& family : Metrics::global().registry()->Collect()) {
    if (family.name != "tripline_correlation_late_events_total") continue;
    for (const auto& m : family.metric) {
      for (const auto& l : m.label) {
        if (l.name == "rule_id" && l.value == rule_id) return m.counter.value;
      }
    }
  }
  return 0;
}

std::vector<double> every(double step, int n, double from = 0) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(from + step * i);
  return out;
}

TEST(EventCount, TenEventsInTheWindowRaiseOneAlertWithGroupCountAndEvents) {
  Rules rules(kBurst);
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  auto events = failures(every(20, 10), "203.0.113.7");
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.count, 10u);
  ASSERT_EQ(a.group.size(), 1u);
  EXPECT_EQ(a.group[0], (std::pair<std::string, std::string>{"source.ip", "203.0.113.7"}));
  EXPECT_EQ(a.sev, Sev::kSev2);
  EXPECT_EQ(a.time, t0() + std::chrono::seconds(180));
  ASSERT_TRUE(a.ends_at);
  EXPECT_EQ(*a.ends_at, t0() + std::chrono::minutes(5));
  EXPECT_EQ(a.events.size(), 10u);
  EXPECT_EQ(a.alert_id.size(), 32u);
  EXPECT_NE(a.to_json().find("\"ends_at\":\"2026-01-15T09:05:00Z\""), std::string::npos)
      << a.to_json();
  // generate: true keeps the single-event alerts.
  auto again = failures(every(20, 10), "203.0.113.7");
  Rules fresh(kBurst);
  EXPECT_EQ(fresh.run(again, true, "login_failed-id").size(), 10u);
}

TEST(EventCount, NineEventsDoNotFire) {
  Rules rules(kBurst);
  auto events = failures(every(20, 9), "203.0.113.7");
  EXPECT_TRUE(rules.run(events, true, "brute-force").empty());
}

TEST(EventCount, WindowIncludesAnEventExactlyTimespanAfterTheFirst) {
  std::vector<double> at = {0};
  for (int i = 0; i < 8; ++i) at.push_back(100 + i);
  at.push_back(300);
  Rules rules(kBurst);
  auto events = failures(at, "203.0.113.7");
  EXPECT_EQ(rules.run(events, true, "brute-force").size(), 1u);

  at.back() = 300.001;
  Rules late(kBurst);
  auto past = failures(at, "203.0.113.7");
  EXPECT_TRUE(late.run(past, true, "brute-force").empty());
}

TEST(EventCount, SlidingWindowFindsABurstAcrossFixedBoundaries) {
  // Five events late in one five-minute bucket and five early in the next: a fixed-bucket
  // counter sees five and five; the sliding window sees ten within 100 s.
  std::vector<double> at = every(10, 5, 250);
  for (double s : every(10, 5, 300)) at.push_back(s);
  Rules rules(kBurst);
  auto events = failures(at, "203.0.113.7");
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].time, t0() + std::chrono::seconds(340));
}

TEST(EventCount, BurstPastTheThresholdPagesOncePerWindow) {
  Rules rules(kBurst);
  // 40 events, one every 5 s (0..195 s), then 10 more from 400 s: two windows, two alerts.
  std::vector<double> at = every(5, 40);
  for (double s : every(5, 10, 400)) at.push_back(s);
  auto events = failures(at, "203.0.113.7");
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_NE(alerts[0].alert_id, alerts[1].alert_id);
  EXPECT_EQ(alerts[1].time, t0() + std::chrono::seconds(445));
}

TEST(EventCount, GroupsAreCountedApart) {
  Rules rules(kBurst);
  std::vector<Event> events;
  for (int i = 0; i < 18; ++i) {
    auto e = failures({i * 10.0}, i % 2 ? "203.0.113.7" : "198.51.100.9");
    events.push_back(std::move(e[0]));
  }
  EXPECT_TRUE(rules.run(events, true, "brute-force").empty());
}

TEST(EventCount, OutOfOrderEventsWithinLatenessGiveTheSameAlertIdsAndCounts) {
  std::vector<double> at = every(15, 12);
  for (double s : every(15, 12, 600)) at.push_back(s);
  Rules ordered(kBurst);
  auto in_order = failures(at, "203.0.113.7");
  std::vector<Alert> expected = ordered.run(in_order, true, "brute-force");
  ASSERT_EQ(expected.size(), 2u);

  // Shuffle within blocks of 4 events (45 s apart at most, within the 60 s lateness below).
  std::mt19937 rng(7);
  for (size_t b = 0; b + 4 <= at.size(); b += 4) {
    std::shuffle(at.begin() + static_cast<long>(b), at.begin() + static_cast<long>(b + 4), rng);
  }
  Rules shuffled(kBurst, "lateness: 60s");
  auto out_of_order = failures(at, "203.0.113.7");
  std::vector<Alert> got = shuffled.run(out_of_order, true, "brute-force");
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].alert_id, expected[i].alert_id);
    EXPECT_EQ(got[i].count, expected[i].count);
  }
}

TEST(EventCount, EventsLaterThanTheLatenessAreCountedAndStillUsed) {
  Rules rules(kBurst, "lateness: 10s");
  const double late_before = late_events("brute-force");
  std::vector<Event> events = failures(every(10, 9, 1000), "203.0.113.7");
  // The clock is at 1080 s; an event from 900 s is 180 s late.
  auto late = failures({900}, "203.0.113.7");
  events.push_back(std::move(late[0]));
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  // It still lies within five minutes of the others, so the burst is complete.
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 10u);
  EXPECT_EQ(late_events("brute-force"), late_before + 1);
}

TEST(EventCount, MissingGroupByFieldGroupsTheEventsUnderNull) {
  Rules rules(kBurst);
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(Rules::event(i, R"({"kind":"fail"})"));
  // Events with the field are another group.
  for (int i = 0; i < 5; ++i) {
    events.push_back(Rules::event(20 + i, R"({"kind":"fail","source":{"ip":"192.0.2.1"}})"));
  }
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 10u);
  EXPECT_EQ(alerts[0].group[0], (std::pair<std::string, std::string>{"source.ip", ""}));
}

TEST(EventCount, MissingAndEmptyGroupValuesAreDifferentGroups) {
  Rules rules(kBurst);
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) events.push_back(Rules::event(i, R"({"kind":"fail"})"));
  for (int i = 0; i < 5; ++i) {
    events.push_back(Rules::event(10 + i, R"({"kind":"fail","source":{"ip":""}})"));
  }
  EXPECT_TRUE(rules.run(events, true, "brute-force").empty());
}

TEST(EventCount, AlertCarriesOnlyTheConfiguredNumberOfEvents) {
  Rules rules(kBurst, "alert_events: 3");
  auto events = failures(every(1, 10), "203.0.113.7");
  std::vector<Alert> alerts = rules.run(events, true, "brute-force");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].events.size(), 3u);
  EXPECT_EQ(alerts[0].count, 10u);
}

TEST(EventCount, UpperBoundConditionsAreJudgedWhenTheWindowCloses) {
  const std::string yaml = base_rule("heartbeat", "beat") + R"(---
title: Few heartbeats
id: few-heartbeats
correlation:
    type: event_count
    rules: [heartbeat]
    group-by: [host]
    timespan: 1m
    condition:
        gt: 1
        lte: 3
level: low
)";
  Rules rules(yaml, "lateness: 0s");
  std::vector<Event> events;
  for (int i = 0; i < 3; ++i) events.push_back(Rules::event(i, R"({"kind":"beat","host":"a"})"));
  for (int i = 0; i < 5; ++i) events.push_back(Rules::event(i, R"({"kind":"beat","host":"b"})"));
  events.push_back(Rules::event(1, R"({"kind":"beat","host":"c"})"));
  std::vector<Alert> alerts = rules.run(events, false, "few-heartbeats");
  EXPECT_TRUE(alerts.empty()) << "the windows are still open";
  std::vector<Alert> later;
  rules.result.matcher->advance(t0() + std::chrono::seconds(61), later);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].group[0].second, "a");
  EXPECT_EQ(later[0].count, 3u);
  EXPECT_EQ(later[0].time, t0() + std::chrono::seconds(2));
}

}  // namespace
}  // namespace tripline::correlation::testing
