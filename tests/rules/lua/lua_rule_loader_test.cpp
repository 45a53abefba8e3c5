// Lua rules through the common loader (rules/rule_loader.h): one rule set with the YAML rules,
// the same routing, severity policy, id space, limits from the config and all-or-nothing loads.
#include <gtest/gtest.h>

#include "rules/lua/lua_rule_set.h"
#include "rules/rule_loader.h"
#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

using lua_test::count_rule;
using lua_test::diag_text;
using lua_test::json_event;
using lua_test::TempDir;

constexpr const char* kYaml = R"YAML(title: Console login
id: yaml-console-login
logsource: { product: aws, service: cloudtrail }
detection:
    login:
        eventName: ConsoleLogin
    condition: login
level: medium
tags: [attack.initial_access]
)YAML";

constexpr const char* kLua = R"LUA(
rule { id = "lua-console-login", title = "Console login (Lua)", sev = "SEV2",
       logsource = { product = "aws", service = "cloudtrail" }, tags = { "attack.initial_access" },
       match = function(event) return event["eventName"] == "ConsoleLogin" end }
)LUA";

RulesConfig rules_config(const TempDir& dir, const std::string& limits_yaml = "",
                         const std::string& severity_yaml = "") {
  RulesConfig c;
  c.paths = {dir.path()};
  c.mark = {"tripline.yaml", 7, 3};
  if (!limits_yaml.empty()) c.limits = YAML::Load(limits_yaml);
  if (!severity_yaml.empty()) c.severity = YAML::Load(severity_yaml);
  return c;
}

TEST(LuaRuleLoaderTest, YamlAndLuaRulesLoadIntoOneMatcher) {
  TempDir dir;
  dir.write("login.yml", kYaml);
  dir.write("login.lua", kLua);
  RuleLoadResult r = load_rules(rules_config(dir), "");
  ASSERT_TRUE(r.matcher) << diag_text(r.diagnostics);
  EXPECT_EQ(r.rule_count, 2u);
  EXPECT_EQ(r.matcher->rule_count(), 2u);
  EXPECT_EQ(r.file_count, 2u);
  ASSERT_TRUE(r.lua_rules);
  std::vector<Alert> alerts;
  r.matcher->evaluate(json_event(R"({"eventID":"1","eventName":"ConsoleLogin"})"), alerts);
  EXPECT_EQ(count_rule(alerts, "yaml-console-login"), 1u);
  EXPECT_EQ(count_rule(alerts, "lua-console-login"), 1u);
}

TEST(LuaRuleLoaderTest, IdsAreUniqueAcrossYamlAndLua) {
  TempDir dir;
  dir.write("login.yml", kYaml);
  const auto lua = dir.write("dup.lua", R"LUA(
rule { id = "yaml-console-login", title = "t", sev = "SEV2", logsource = { product = "aws" },
       match = function() return true end }
)LUA");
  RuleLoadResult r = load_rules(rules_config(dir), "");
  EXPECT_FALSE(r.matcher);
  bool found = false;
  for (const Diagnostic& d : r.diagnostics.items) {
    found = found || (d.code == "rules.duplicate-id" && d.file == lua && d.line == 2);
  }
  EXPECT_TRUE(found) << diag_text(r.diagnostics);
}

TEST(LuaRuleLoaderTest, OneBrokenLuaFileFailsTheWholeLoad) {
  TempDir dir;
  dir.write("login.yml", kYaml);
  dir.write("login.lua", kLua);
  const auto broken = dir.write("broken.lua", "rule {\n");
  RuleLoadResult r = load_rules(rules_config(dir), "");
  EXPECT_FALSE(r.matcher) << "all or nothing: a reload keeps the running rules";
  ASSERT_TRUE(r.diagnostics.has_errors());
  bool syntax = false;
  for (const Diagnostic& d : r.diagnostics.items) {
    syntax = syntax || (d.code == "lua.syntax" && d.file == broken && d.line == 2);
  }
  EXPECT_TRUE(syntax) << diag_text(r.diagnostics);
}

TEST(LuaRuleLoaderTest, SeverityPolicyOverridesApplyToLuaRules) {
  TempDir dir;
  dir.write("login.lua", kLua);
  RuleLoadResult r = load_rules(
      rules_config(dir, "", "overrides:\n  - { rule: lua-console-login, sev: SEV0 }\n"), "");
  ASSERT_TRUE(r.matcher) << diag_text(r.diagnostics);
  std::vector<Alert> alerts;
  r.matcher->evaluate(json_event(R"({"eventID":"1","eventName":"ConsoleLogin"})"), alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].sev, Sev::kSev0);
  EXPECT_EQ(alerts[0].level, "critical");
}

TEST(LuaRuleLoaderTest, LuaRulesRouteLikeYamlRules) {
  TempDir dir;
  dir.write("auth.lua", R"LUA(
rule { id = "auth-any", title = "t", sev = "SEV3", logsource = { product = "linux", service = "auth" },
       match = function(event) return true end }
)LUA");
  RuleLoadResult r = load_rules(rules_config(dir), "");
  ASSERT_TRUE(r.matcher) << diag_text(r.diagnostics);
  std::vector<Alert> alerts;
  // The catalog says sshd lines are auth events too (config/logsources/linux_sshd.yml).
  r.matcher->evaluate(json_event("{}", {"linux", "sshd", ""}), alerts);
  r.matcher->evaluate(json_event("{}", {"linux", "kernel", ""}), alerts);
  EXPECT_EQ(count_rule(alerts, "auth-any"), 1u);
}

TEST(LuaRuleLoaderTest, LuaLimitsComeFromRulesLimitsLua) {
  TempDir dir;
  dir.write("loop.lua", R"LUA(
rule { id = "loop", title = "t", sev = "SEV3", logsource = { product = "aws" },
       match = function() for i = 1, 5000 do end return true end }
)LUA");
  RuleLoadResult tight =
      load_rules(rules_config(dir, "regex_max_mem: 1MiB\nlua: { instructions: 1000 }\n"), "");
  ASSERT_TRUE(tight.matcher) << diag_text(tight.diagnostics);
  std::vector<Alert> alerts;
  tight.matcher->evaluate(json_event("{}"), alerts);
  EXPECT_EQ(count_rule(alerts, "loop"), 0u) << "5000 iterations exceed 1000 units";
  EXPECT_TRUE(tight.lua_rules->matcher->status("loop")->quarantined);

  RuleLoadResult typo = load_rules(rules_config(dir, "lua: { instructionz: 1000 }\n"), "");
  EXPECT_FALSE(typo.matcher);
  EXPECT_NE(diag_text(typo.diagnostics).find("instructionz"), std::string::npos);
}

TEST(LuaRuleLoaderTest, AgentStateDirKeepsLuaState) {
  TempDir dir;
  TempDir state;
  dir.write("count.lua", R"LUA(
rule { id = "count-two", title = "t", sev = "SEV3", logsource = { product = "aws" },
       on_event = function(event, state) if state:incr("n") == 2 then alert {} end end }
)LUA");
  std::vector<Alert> alerts;
  {
    RuleLoadResult first = load_rules(rules_config(dir), "", state.path());
    ASSERT_TRUE(first.matcher) << diag_text(first.diagnostics);
    first.matcher->evaluate(json_event(R"({"eventID":"1"})"), alerts);
    first.matcher->finish(alerts);
  }
  RuleLoadResult second = load_rules(rules_config(dir), "", state.path());
  ASSERT_TRUE(second.matcher);
  second.matcher->evaluate(json_event(R"({"eventID":"2"})"), alerts);
  EXPECT_EQ(count_rule(alerts, "count-two"), 1u);
}

}  // namespace
}  // namespace tripline
