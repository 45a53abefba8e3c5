// The Lua rules shipped in config/rules.d load cleanly and pass their own tests.
#include <gtest/gtest.h>

#include <filesystem>

#include "rules/lua/lua_rule_tests.h"
#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

std::vector<std::string> shipped_lua_rules() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d")) {
    if (entry.path().extension() == ".lua") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ExampleLuaRulesTest, LoadWithDefaultLimitsAndPassTheirTests) {
  const auto files = shipped_lua_rules();
  ASSERT_GE(files.size(), 2u);
  Diagnostics diags;
  LuaRuleSet set = load_lua_rules(files, LuaLimits{}, diags);
  ASSERT_TRUE(set.matcher) << lua_test::diag_text(diags);
  EXPECT_TRUE(diags.items.empty()) << lua_test::diag_text(diags);
  const LuaTestReport report = run_lua_rule_tests(set);
  EXPECT_EQ(report.failed, 0u) << format_lua_test_report(report, true);
  EXPECT_EQ(report.rules_without_tests, 0u);
  EXPECT_GE(report.passed, 15u);
}

TEST(ExampleLuaRulesTest, PolicyAnalyserNamesEveryFinding) {
  Diagnostics diags;
  LuaRuleSet set = load_lua_rules(
      {std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/aws_iam_policy_wildcards.lua"},
      LuaLimits{}, diags);
  ASSERT_TRUE(set.matcher) << lua_test::diag_text(diags);
  std::vector<Alert> alerts;
  set.matcher->evaluate(
      lua_test::json_event(
          R"({"eventID":"x","eventName":"CreatePolicy","userIdentity":{"arn":"arn:aws:iam::1:user/m"},)"
          R"("requestParameters":{"policyName":"p","policyDocument":"{\"Statement\":[)"
          R"({\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"},)"
          R"({\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}]}"}})"),
      alerts);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule_id, "aws-iam-policy-grants-wildcards");
  EXPECT_EQ(a.sev, Sev::kSev1);
  EXPECT_EQ(a.title, "IAM CreatePolicy grants Allow iam:PassRole (iam:PassRole) on Resource *");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(a.group, (Pairs{{"principal", "arn:aws:iam::1:user/m"}}));
  const auto findings = std::find_if(a.fields.begin(), a.fields.end(),
                                     [](const auto& f) { return f.first == "findings"; });
  ASSERT_NE(findings, a.fields.end());
  EXPECT_EQ(findings->second,
            "statement 1: Allow iam:PassRole (iam:PassRole) on Resource *; "
            "statement 2: Allow with NotAction");
}

}  // namespace
}  // namespace tripline
