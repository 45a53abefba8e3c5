// The runner of the `tests` tables embedded in Lua rules.
#include "rules/lua/lua_rule_tests.h"

#include <gtest/gtest.h>

#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

using lua_test::diag_text;
using lua_test::TempDir;

constexpr const char* kRule = R"LUA(
rule {
  id = "failed-logins", title = "Repeated failures", sev = "SEV2",
  logsource = { product = "myapp" },
  on_event = function(event, state)
    if event["outcome"] ~= "failure" then return end
    if state:incr("f:" .. event["user"], 1, 300) == 3 then
      alert { group = { user = event["user"] } }
    end
  end,
  tests = {
    { name = "three failures alert once",
      events = { { user = "a", outcome = "failure" }, { user = "a", outcome = "failure" },
                 { user = "a", outcome = "failure" }, { user = "a", outcome = "failure" } },
      expect_alerts = 1 },
    { name = "successes do not count",
      events = { { user = "a", outcome = "success" }, '{"user":"a","outcome":"failure"}' },
      expect = "no_match" },
    { name = "each case starts from empty state",
      event = { user = "a", outcome = "failure" }, expect = "no_match" },
    { name = "deliberately wrong", event = { user = "b", outcome = "failure" }, expect = "match" },
  },
}
rule { id = "untested", title = "u", sev = "SEV4", logsource = { product = "myapp" },
       match = function() return false end }
)LUA";

TEST(LuaRuleTestsTest, RunsEveryCaseAndReportsFailuresWithTheirPlace) {
  TempDir dir;
  const auto file = dir.write("logins.lua", kRule);
  auto loaded = lua_test::load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  ASSERT_EQ(loaded.set.tests.size(), 4u);
  const LuaTestReport report = run_lua_rule_tests(loaded.set);
  EXPECT_EQ(report.rules, 2u);
  EXPECT_EQ(report.rules_without_tests, 1u);
  EXPECT_EQ(report.passed, 3u);
  EXPECT_EQ(report.failed, 1u);
  ASSERT_EQ(report.results.size(), 4u);
  EXPECT_FALSE(report.results[3].passed);
  EXPECT_EQ(report.results[3].detail, "expected a match, no event matched");
  const std::string text = format_lua_test_report(report, false);
  EXPECT_NE(text.find("Unit Testing:  " + file), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL " + file + ":2:0: Repeated failures / deliberately wrong"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("rules test: 2 rules, 4 tests, 3 passed, 1 failed, 1 rules without tests"),
            std::string::npos)
      << text;
}

TEST(LuaRuleTestsTest, RuleErrorsFailTheCaseWithTheMessage) {
  TempDir dir;
  const auto file = dir.write("raises.lua", R"LUA(
rule { id = "raises", title = "r", sev = "SEV3", logsource = { product = "myapp" },
  match = function(event) return event["x"] + 1 > 0 end,
  tests = { { name = "x missing", event = { y = 1 }, expect = "no_match" } } }
)LUA");
  auto loaded = lua_test::load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  const LuaTestReport report = run_lua_rule_tests(loaded.set);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_FALSE(report.results[0].passed);
  EXPECT_NE(report.results[0].detail.find("raises.lua:3: attempt to perform arithmetic"),
            std::string::npos)
      << report.results[0].detail;
}

TEST(LuaRuleTestsTest, LogLinesGoThroughTheirParser) {
  TempDir dir;
  const auto file = dir.write("sshd.lua", R"LUA(
rule { id = "root-ssh", title = "root", sev = "SEV1", logsource = { product = "linux", service = "sshd" },
  match = function(event) return event["user.name"] == "root" end,
  tests = {
    { name = "accepted root", expect = "match",
      log = "Jan  2 03:04:05 host sshd[42]: Accepted password for root from 203.0.113.7 port 22 ssh2" },
  } }
)LUA");
  auto loaded = lua_test::load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  const LuaTestReport report = run_lua_rule_tests(loaded.set);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_TRUE(report.results[0].passed) << report.results[0].detail;
}

TEST(LuaRuleTestsTest, MalformedTestTablesAreLoadErrors) {
  TempDir dir;
  const auto file = dir.write("badtests.lua", R"LUA(
rule { id = "bt", title = "t", sev = "SEV3", logsource = { product = "myapp" },
  match = function() return true end,
  tests = { { name = "both", event = {}, events = { {} }, expect = "match" },
            { name = "no expectation", event = {} },
            { name = "bad expect", event = {}, expect = "maybe" } } }
)LUA");
  auto loaded = lua_test::load({file});
  EXPECT_FALSE(loaded.set.matcher);
  const std::string text = diag_text(loaded.diags);
  EXPECT_NE(text.find("tests[1]: test 'both' needs exactly one of event, events, log"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tests[2]: test 'no expectation' needs exactly one of expect"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tests[3]: expect must be"), std::string::npos) << text;
}

}  // namespace
}  // namespace tripline
