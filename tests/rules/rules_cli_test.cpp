// `tripline rules lint|test` as users run them: exit codes, file:line:col output, JSON.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;
using testing::AgentProcess;

class RulesCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("rules-cli"); }
  void TearDown() override { fs::remove_all(dir_); }

  struct Result {
    int code;
    std::string out, err;
  };
  Result run(std::vector<std::string> args) {
    const std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
    fs::remove(out);
    fs::remove(err);
    AgentProcess p(std::move(args), out, err);
    const int code = p.wait();
    return {code, testing::read_file(out), testing::read_file(err)};
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    testing::write_file(path, text);
    return path;
  }

  std::string dir_;
};

const char* kGood = R"(title: Good
id: 0a0a0a0a-0000-4000-8000-000000000001
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: StopLogging
    condition: selection
level: high
tests:
    - name: hit
      event: {eventName: StopLogging}
      expect: match
    - name: miss
      event: {eventName: StartLogging}
      expect: no_match
)";

TEST_F(RulesCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run({"rules"}).code, 2);
  EXPECT_EQ(run({"rules", "lint"}).code, 2);
  EXPECT_EQ(run({"rules", "frobnicate", dir_}).code, 2);
  EXPECT_EQ(run({"rules", "lint", "--nope", dir_}).code, 2);
}

TEST_F(RulesCli, LintOfCleanRulesExitsZero) {
  write("rules/good.yml", kGood);
  Result r = run({"rules", "lint", dir_ + "/rules"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("1 files, 1 rules, 0 errors, 0 warnings"), std::string::npos) << r.err;
}

TEST_F(RulesCli, LintReportsFileLineColumnAndCode) {
  write("rules/good.yml", kGood);
  const std::string bad = write("rules/sub/bad.yml",
                                "title: Bad\nlogsource: {product: aws}\ndetection:\n"
                                "    selection:\n        eventName|contians: Stop\n"
                                "    condition: selection | count() > 3\n");
  Result r = run({"rules", "lint", dir_ + "/rules"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(bad + ":5:9: error[rules.unknown-modifier]"), std::string::npos) << r.out;
  Result j = run({"rules", "lint", "--json", bad});
  EXPECT_EQ(j.code, 1);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(j.out).get(doc), simdjson::SUCCESS) << j.out;
  EXPECT_GE(doc["errors"].get_uint64().value(), 1u);
  simdjson::dom::array diags = doc["diagnostics"].get_array().value();
  bool found = false;
  for (auto d : diags) {
    if (std::string_view(d["code"].get_string().value()) == "rules.unknown-modifier") {
      found = true;
      EXPECT_EQ(std::string_view(d["file"].get_string().value()), bad);
      EXPECT_EQ(d["line"].get_int64().value(), 5);
      EXPECT_EQ(d["column"].get_int64().value(), 9);
      EXPECT_EQ(std::string_view(d["severity"].get_string().value()), "error");
    }
  }
  EXPECT_TRUE(found) << j.out;
}

TEST_F(RulesCli, LintWarningsDoNotFail) {
  write("w.yml", std::string(kGood) + "custom_field: 1\n");
  Result r = run({"rules", "lint", dir_ + "/w.yml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("warning[rules.unknown-key]"), std::string::npos) << r.out;
  Result q = run({"rules", "lint", "--errors-only", dir_ + "/w.yml"});
  EXPECT_EQ(q.out, "");
}

TEST_F(RulesCli, TestPassesAndFailsWithExitStatus) {
  write("ok/good.yml", kGood);
  Result ok = run({"rules", "test", dir_ + "/ok"});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("SUCCESS"), std::string::npos);
  EXPECT_NE(ok.out.find("2 tests, 2 passed, 0 failed"), std::string::npos) << ok.out;
  std::string wrong = kGood;
  wrong.replace(wrong.find("expect: no_match"), 16, "expect: match");
  const std::string path = write("bad/wrong.yml", wrong);
  Result bad = run({"rules", "test", dir_ + "/bad"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("FAILED:"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(path + ":13:7: Good / miss: expected a match, no event matched"),
            std::string::npos)
      << bad.out;
}

TEST_F(RulesCli, TestRefusesRulesThatDoNotLoad) {
  write("broken.yml", "title: x\nlogsource: {product: a}\ndetection: {condition: nothing}\n");
  Result r = run({"rules", "test", dir_ + "/broken.yml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no test ran"), std::string::npos) << r.err;
}

TEST_F(RulesCli, ConfigSuppliesPlaceholders) {
  const std::string rule = write("p/p.yml",
                                 "title: P\nid: 0a0a0a0a-0000-4000-8000-000000000002\n"
                                 "logsource: {product: test}\ndetection:\n    s:\n"
                                 "        user|expand: '%Admins%'\n    condition: s\n");
  Result lint = run({"rules", "lint", rule});
  EXPECT_EQ(lint.code, 0);
  EXPECT_NE(lint.out.find("warning[rules.placeholder]"), std::string::npos);
  const std::string cfg = write("cfg.yaml", "rules:\n  paths: []\n  placeholders:\n"
                                            "    Admins: [root, adm_*]\n");
  Result with_cfg = run({"rules", "lint", "-c", cfg, rule});
  EXPECT_EQ(with_cfg.code, 0) << with_cfg.out << with_cfg.err;
  EXPECT_EQ(with_cfg.out, "");
  const std::string empty_cfg = write("empty.yaml", "rules:\n  paths: []\n");
  EXPECT_EQ(run({"rules", "lint", "-c", empty_cfg, rule}).code, 1);
}

}  // namespace
}  // namespace tripline
