// The shipped Lua rules over real CloudTrail in ../shared/data: the invictus attack simulation
// (2,900 events) and the Stratus Red Team detonations. The policy analyser must stay quiet on
// their scoped policies, the volume scorer must flag the simulated attacker's scripted bursts,
// and neither may raise a single error.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "collectors/parsers/parser_factory.h"
#include "rules/lua/lua_rule_set.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> cloudtrail_files() {
  std::vector<fs::path> files;
  const fs::path root(TRIPLINE_SHARED_DATA_DIR);
  for (const char* dir : {"invictus-aws-cloudtrail", "stratus-detonation-logs"}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root / dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".json") files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(LuaCloudTrailDatasetTest, ShippedRulesRunCleanOverRealCloudTrail) {
  const auto files = cloudtrail_files();
  if (files.empty()) GTEST_SKIP() << "no CloudTrail data under " << TRIPLINE_SHARED_DATA_DIR;
  const std::string rules_dir = std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/";
  Diagnostics diags;
  LuaRuleSet set = load_lua_rules(
      {rules_dir + "aws_iam_policy_wildcards.lua", rules_dir + "aws_impossible_volume.lua"},
      LuaLimits{}, diags);
  ASSERT_TRUE(set.matcher);

  auto input = std::make_shared<InputInfo>();
  input->name = "cloudtrail";
  input->logsource = {"aws", "cloudtrail", ""};
  const auto parser = make_parser("cloudtrail");
  simdjson::dom::parser json;
  size_t events = 0;
  std::vector<Alert> alerts;
  for (const fs::path& path : files) {
    simdjson::dom::element doc;
    if (json.load(path.string()).get(doc)) continue;
    simdjson::dom::array records;
    if (doc["Records"].get_array().get(records) && doc.get_array().get(records)) continue;
    for (simdjson::dom::element record : records) {
      Event ev(input, simdjson::minify(record));
      ev.set_position({path.string(), events, events + 1});
      parser->parse(ev);
      set.matcher->evaluate(ev, alerts);
      set.matcher->advance(ev.event_time(), alerts);
      ++events;
    }
  }
  ASSERT_GT(events, 3000u);
  for (const LuaRuleInfo* rule : set.matcher->rules()) {
    const auto status = set.matcher->status(rule->id);
    EXPECT_EQ(status->errors, 0u) << rule->id << ": " << status->last_error;
    EXPECT_FALSE(status->quarantined) << rule->id;
  }
  size_t policy = 0;
  size_t volume = 0;
  for (const Alert& a : alerts) {
    policy += a.rule_id == "aws-iam-policy-grants-wildcards";
    if (a.rule_id == "aws-impossible-volume") {
      ++volume;
      EXPECT_EQ(a.group.at(0).second.rfind("arn:aws:iam::", 0), 0u);
      EXPECT_NE(a.group.at(0).second.find(":user/bert-jan"), std::string::npos)
          << "only the simulated attacker's scripted bursts reach the limit: " << a.title;
    }
  }
  EXPECT_EQ(policy, 0u) << "the recorded policies are scoped (ec2:Describe*, logs:*...)";
  EXPECT_GE(volume, 1u);
  std::cout << events << " CloudTrail events, " << volume << " impossible-volume alerts\n";
}

}  // namespace
}  // namespace tripline
