// Lua rules through the real binary: `tripline replay`, `rules test` and `rules lint`.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

using testing::AgentProcess;
using testing::make_temp_dir;
using testing::read_file;
using testing::write_file;

struct CliRun {
  int exit_code;
  std::vector<std::string> out_lines;
  std::string out;
  std::string err;
};

class LuaRulesCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("lua-cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliRun run(std::vector<std::string> args) {
    const std::string out = dir_ + "/out.txt", err = dir_ + "/err.txt";
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    AgentProcess p(std::move(args), out, err);
    CliRun r{p.wait(), {}, read_file(out), read_file(err)};
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) r.out_lines.push_back(line);
    return r;
  }

  std::string dir_;
};

const std::string kShippedRules = std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d";

TEST_F(LuaRulesCliTest, ReplayRaisesThePolicyAnalyserAlertAsJson) {
  write_file(dir_ + "/trail.json", R"({"Records":[
{"eventID":"ok-1","eventTime":"2026-01-01T00:00:00Z","eventName":"PutRolePolicy","eventSource":"iam.amazonaws.com",
 "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/alice","userName":"alice"},
 "requestParameters":{"roleName":"app","policyName":"p","policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
{"eventID":"bad-1","eventTime":"2026-01-01T00:00:05Z","eventName":"PutUserPolicy","eventSource":"iam.amazonaws.com",
 "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/mallory","userName":"mallory"},
 "requestParameters":{"userName":"mallory","policyName":"p","policyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}}
]}
)");
  const CliRun r =
      run({"replay", "--rules", kShippedRules, "--format", "cloudtrail", dir_ + "/trail.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Other shipped packs (the Sigma inline-policy rule) alert on both writes; the analyser must
  // raise exactly one alert, for the wildcard grant only.
  simdjson::dom::parser parser;
  std::vector<std::string> analyser_alerts;
  for (const auto& line : r.out_lines) {
    simdjson::dom::element a;
    ASSERT_EQ(parser.parse(line).get(a), simdjson::SUCCESS) << line;
    if (std::string_view(a["rule_id"]) == "aws-iam-policy-grants-wildcards") {
      analyser_alerts.push_back(line);
    }
  }
  ASSERT_EQ(analyser_alerts.size(), 1u) << r.out << r.err;
  simdjson::dom::element alert;
  ASSERT_EQ(parser.parse(analyser_alerts[0]).get(alert), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(alert["sev"]), "SEV1");
  EXPECT_EQ(std::string_view(alert["group"]["principal"]), "arn:aws:iam::1:user/mallory");
  EXPECT_EQ(std::string_view(alert["fields"]["findings"]), "statement 1: Allow * on Resource *");
  EXPECT_EQ(std::string_view(alert["events"].at(0)["eventID"]), "bad-1");
}

TEST_F(LuaRulesCliTest, HostileLuaRuleIsQuarantinedWhileTheYamlRuleKeepsAlerting) {
  const std::string rules = dir_ + "/rules";
  std::filesystem::create_directories(rules);
  write_file(rules + "/spin.lua", R"(
rule { id = "spin", title = "spin", sev = "SEV1", logsource = { product = "myapp" },
       match = function(event) while true do end end }
)");
  write_file(rules + "/login.yml", R"(title: failed login
id: yaml-login
logsource: { product: myapp }
detection:
  selection: { action: login, outcome: failure }
  condition: selection
level: medium
)");
  std::string lines;
  for (int i = 0; i < 50; ++i) {
    lines += "{\"action\":\"login\",\"outcome\":\"failure\",\"n\":" + std::to_string(i) + "}\n";
  }
  write_file(dir_ + "/app.jsonl", lines);
  const CliRun r = run({"replay", "--rules", rules, "--logsource", "myapp", dir_ + "/app.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t yaml = 0, quarantine = 0, spin = 0;
  simdjson::dom::parser parser;
  for (const std::string& line : r.out_lines) {
    simdjson::dom::element alert;
    ASSERT_EQ(parser.parse(line).get(alert), simdjson::SUCCESS) << line;
    const std::string_view rule_id = alert["rule_id"];
    yaml += rule_id == "yaml-login";
    quarantine += rule_id == "tripline.lua.quarantine";
    spin += rule_id == "spin";
  }
  EXPECT_EQ(yaml, 50u);
  EXPECT_EQ(quarantine, 1u);
  EXPECT_EQ(spin, 0u);
  EXPECT_NE(r.err.find("lua rule quarantined"), std::string::npos) << r.err;
}

TEST_F(LuaRulesCliTest, RulesTestRunsTheShippedLuaTests) {
  const CliRun r = run({"rules", "test", kShippedRules});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Unit Testing:  " + kShippedRules + "/aws_iam_policy_wildcards.lua"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.out;
}

TEST_F(LuaRulesCliTest, RulesLintReportsLuaProblemsWithFileAndLine) {
  write_file(dir_ + "/broken.lua", "rule {\n  id = \"x\",\n  title = = 1,\n}\n");
  const CliRun r = run({"rules", "lint", dir_ + "/broken.lua"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(dir_ + "/broken.lua:3: error[lua.syntax]"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tripline
