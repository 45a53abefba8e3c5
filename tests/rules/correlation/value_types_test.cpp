#include <gtest/gtest.h>

#include "tests/rules/correlation/correlation_test_util.h"

namespace tripline::correlation::testing {
namespace {

std::string correlation(const std::string& type, const std::string& condition,
                        const std::string& timespan = "10m") {
  return base_rule("request", "req") + "---\ntitle: C\nid: corr\ncorrelation:\n    type: " + type +
         "\n    rules: [request]\n    group-by: [client]\n    timespan: " + timespan +
         "\n    condition:\n" + condition + "level: high\n";
}

Event request(double s, const std::string& client, const std::string& extra) {
  return Rules::event(s, R"({"kind":"req","client":")" + client + "\"" + extra + "}");
}

TEST(ValueCount, CountsDistinctValuesNotEvents) {
  Rules rules(correlation("value_count", "        field: user\n        gte: 3\n"));
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Event> events;
  for (int i = 0; i < 6; ++i) events.push_back(request(i, "a", R"(,"user":"root")"));
  events.push_back(request(10, "a", R"(,"user":"admin")"));
  EXPECT_TRUE(rules.run(events, false, "corr").empty());
  std::vector<Event> third = {request(20, "a", R"(,"user":"oracle")")};
  std::vector<Alert> alerts = rules.run(third, true, "corr");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 8u) << "every event behind the three values";
}

TEST(ValueCount, EventsWithoutTheFieldDoNotCount) {
  Rules rules(correlation("value_count", "        field: user\n        gte: 2\n"));
  std::vector<Event> events = {request(0, "a", R"(,"user":"x")"), request(1, "a", ""),
                               request(2, "a", R"(,"user":null)")};
  EXPECT_TRUE(rules.run(events, true, "corr").empty());
}

TEST(ValueCount, SeveralFieldsAreOneCombinedValue) {
  Rules rules(correlation("value_count", "        field: [user, domain]\n        gte: 3\n"));
  ASSERT_TRUE(rules.ok()) << rules.diagnostics;
  std::vector<Event> events = {request(0, "a", R"(,"user":"x","domain":"d1")"),
                               request(1, "a", R"(,"user":"x","domain":"d2")"),
                               request(2, "a", R"(,"user":"y","domain":"d1")")};
  EXPECT_EQ(rules.run(events, true, "corr").size(), 1u);
}

TEST(ValueSum, FiresWhenTheSumInTheWindowPassesTheBound) {
  Rules rules(correlation("value_sum", "        field: bytes\n        gt: 1000\n", "1h"));
  std::vector<Event> events = {request(0, "a", R"(,"bytes":400)"),
                               request(60, "a", R"(,"bytes":"not a number")"),
                               request(120, "b", R"(,"bytes":900)"),
                               request(180, "a", R"(,"bytes":600)")};
  EXPECT_TRUE(rules.run(events, false, "corr").empty()) << "400 + 600 is not over 1000";
  std::vector<Event> more = {request(240, "a", R"(,"bytes":1)")};
  std::vector<Alert> alerts = rules.run(more, true, "corr");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].group[0].second, "a");
  EXPECT_EQ(alerts[0].count, 3u);
  bool has_value = false;
  for (const auto& [k, v] : alerts[0].fields) has_value |= k == "correlation.value" && v == "1001";
  EXPECT_TRUE(has_value);
}

TEST(ValueAvg, FiresOnTheAverageOfTheWindow) {
  Rules rules(correlation("value_avg", "        field: ms\n        gte: 500\n", "5m"));
  std::vector<Event> events = {request(0, "a", R"(,"ms":100)"), request(10, "a", R"(,"ms":200)")};
  EXPECT_TRUE(rules.run(events, false, "corr").empty());
  // 100, 200, 1200: average 500 over the window that starts at the first.
  std::vector<Event> slow = {request(20, "a", R"(,"ms":1200)")};
  std::vector<Alert> alerts = rules.run(slow, true, "corr");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].count, 3u);
}

TEST(ValuePercentile, ReportsValuesRarerThanTheShareWhenTheWindowCloses) {
  Rules rules(correlation("value_percentile", "        field: image\n        lte: 10\n", "1h"),
              "lateness: 0s");
  std::vector<Event> events;
  for (int i = 0; i < 19; ++i) events.push_back(request(i, "h", R"(,"image":"bash")"));
  events.push_back(request(30, "h", R"(,"image":"nc")"));
  EXPECT_TRUE(rules.run(events, false, "corr").empty()) << "judged only at close";
  std::vector<Alert> alerts;
  rules.result.matcher->advance(t0() + std::chrono::hours(2), alerts);
  ASSERT_EQ(alerts.size(), 1u);
  std::string values;
  for (const auto& [k, v] : alerts[0].fields) {
    if (k == "correlation.values") values = v;
  }
  EXPECT_EQ(values, "nc");
  EXPECT_EQ(alerts[0].count, 20u);
}

TEST(ValuePercentile, FinishJudgesOpenWindowsInReplay) {
  Rules rules(correlation("value_percentile", "        field: image\n        lte: 50\n", "1h"));
  std::vector<Event> events = {request(0, "h", R"(,"image":"a")"),
                               request(1, "h", R"(,"image":"b")")};
  EXPECT_EQ(rules.run(events, true, "corr").size(), 1u);
}

}  // namespace
}  // namespace tripline::correlation::testing
