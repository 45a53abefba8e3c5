#include "rules/baseline/first_seen.h"

#include <gtest/gtest.h>

#include "baseline_test_util.h"

namespace tripline::baseline {
namespace {

using namespace testing;
using std::chrono::hours;
using std::chrono::minutes;

const char* kConsoleLoginRules = R"(title: console login
id: 11111111-1111-4111-8111-000000000002
logsource: {product: test}
detection:
  sel: {eventName: ConsoleLogin}
  condition: sel
level: informational
---
title: Console login from a new source IP
name: new_login_ip
level: high
tags: [attack.initial-access]
baseline:
  type: first_seen
  rules: [11111111-1111-4111-8111-000000000002]
  group-by: [userIdentity.arn]
  field: sourceIPAddress
  learning: 1d
)";

std::string console_login(const std::string& arn, const std::string& ip) {
  return R"({"eventName":"ConsoleLogin","userIdentity":{"arn":")" + arn +
         R"("},"sourceIPAddress":")" + ip + R"("})";
}

TEST(FirstSeen, ValuesSeenWhileLearningAreNormalAndANewOneAfterwardsFiresOnce) {
  Loaded l = load(kConsoleLoginRules);
  ASSERT_TRUE(l.matcher) << l.dump();
  const TimePoint t = at("2026-11-23T10:00:00Z");
  EXPECT_TRUE(feed(*l.matcher, console_login("alice", "192.0.2.1"), t).empty());
  EXPECT_TRUE(feed(*l.matcher, console_login("alice", "192.0.2.2"), t + hours(5)).empty())
      << "still learning";
  EXPECT_TRUE(feed(*l.matcher, console_login("alice", "192.0.2.1"), t + hours(30)).empty());
  EXPECT_TRUE(feed(*l.matcher, console_login("alice", "192.0.2.2"), t + hours(31)).empty());
  auto alerts = feed(*l.matcher, console_login("alice", "203.0.113.9"), t + hours(32));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule_id, "new_login_ip");
  EXPECT_EQ(alerts[0].sev, Sev::kSev1);
  EXPECT_EQ(field(alerts[0], "baseline.new_value"), "203.0.113.9");
  EXPECT_EQ(alerts[0].group,
            (std::vector<std::pair<std::string, std::string>>{{"userIdentity.arn", "alice"}}));
  EXPECT_TRUE(feed(*l.matcher, console_login("alice", "203.0.113.9"), t + hours(33)).empty())
      << "no longer new";
}

TEST(FirstSeen, EachKeyLearnsFromItsOwnFirstEvent) {
  Loaded l = load(kConsoleLoginRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  feed(*l.matcher, console_login("alice", "192.0.2.1"), t);
  // bob appears two days later: his first addresses are learned, not alerted.
  EXPECT_TRUE(feed(*l.matcher, console_login("bob", "198.51.100.1"), t + hours(48)).empty());
  EXPECT_TRUE(feed(*l.matcher, console_login("bob", "198.51.100.2"), t + hours(50)).empty());
  EXPECT_EQ(feed(*l.matcher, console_login("bob", "198.51.100.3"), t + hours(73)).size(), 1u);
  // alice's value is not bob's: per key.
  EXPECT_EQ(feed(*l.matcher, console_login("alice", "198.51.100.3"), t + hours(73)).size(), 1u);
}

TEST(FirstSeen, MatchesWithoutTheTrackedFieldAreNotCounted) {
  Loaded l = load(kConsoleLoginRules);
  ASSERT_TRUE(l.matcher);
  const TimePoint t = at("2026-11-23T10:00:00Z");
  feed(*l.matcher, console_login("alice", "192.0.2.1"), t);
  EXPECT_TRUE(feed(*l.matcher, R"({"eventName":"ConsoleLogin","userIdentity":{"arn":"alice"}})",
                   t + hours(30))
                  .empty());
}

}  // namespace
}  // namespace tripline::baseline
