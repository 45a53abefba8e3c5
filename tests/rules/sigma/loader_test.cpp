#include "rules/rule_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rules/sigma/rule_set.h"
#include "rules/sigma/rule_tests.h"
#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const Diagnostic& first_error(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items) {
    if (d.severity == Diagnostic::Severity::kError) return d;
  }
  static const Diagnostic none;
  return none;
}

class RuleLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tripline-rules-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    const fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  static std::string rule(const std::string& id, const std::string& extra = "") {
    return "title: R " + id + "\nid: " + id +
           "\nlogsource: {product: test}\ndetection:\n    s:\n        a: '1'\n"
           "    condition: s\nlevel: low\n" + extra;
  }
  RulesConfig config(std::vector<std::string> paths) {
    RulesConfig c;
    c.paths = std::move(paths);
    c.mark = {"tripline.yaml", 3, 5};
    return c;
  }

  fs::path dir_;
};

TEST_F(RuleLoaderTest, LoadsDirectoriesRecursivelyInNameOrder) {
  write("b.yml", rule("b"));
  write("sub/a.yaml", rule("a"));
  write("sub/.hidden/x.yml", "not: [valid");
  write("README.md", "# not a rule");
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  ASSERT_NE(r.matcher, nullptr) << (r.diagnostics.items.empty() ? "" : r.diagnostics.items[0].to_string());
  EXPECT_EQ(r.rule_count, 2u);
  EXPECT_EQ(r.file_count, 2u);
  EXPECT_EQ(r.rule_set->rules[0]->id, "b");
  EXPECT_EQ(r.rule_set->rules[1]->id, "a");
}

TEST_F(RuleLoaderTest, RelativePathsResolveAgainstTheBaseDirectory) {
  write("rules.d/x.yml", rule("x"));
  RuleLoadResult r = load_rules(config({"rules.d"}), dir_.string());
  ASSERT_NE(r.matcher, nullptr);
  EXPECT_EQ(r.rule_count, 1u);
}

TEST_F(RuleLoaderTest, MissingDirectoryIsAWarningMissingFileAnError) {
  RuleLoadResult dir = load_rules(config({(dir_ / "nope").string()}), "");
  ASSERT_NE(dir.matcher, nullptr);
  EXPECT_EQ(dir.rule_count, 0u);
  ASSERT_EQ(dir.diagnostics.items.size(), 1u);
  EXPECT_EQ(dir.diagnostics.items[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(dir.diagnostics.items[0].file, "tripline.yaml");
  EXPECT_EQ(dir.diagnostics.items[0].line, 3);
  RuleLoadResult file = load_rules(config({(dir_ / "nope.yml").string()}), "");
  EXPECT_EQ(file.matcher, nullptr);
  EXPECT_TRUE(file.diagnostics.has_errors());
}

TEST_F(RuleLoaderTest, OneBadRuleRejectsTheWholeSet) {
  write("good.yml", rule("good"));
  write("bad.yml", "title: bad\nlogsource: {product: test}\ndetection:\n    s:\n"
                   "        a|nosuch: 1\n    condition: s\n");
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  EXPECT_EQ(r.matcher, nullptr);
  EXPECT_EQ(r.rule_set, nullptr);
  ASSERT_EQ(r.diagnostics.error_count(), 1u);
  const Diagnostic& d = first_error(r.diagnostics);
  EXPECT_EQ(d.code, "rules.unknown-modifier");
  EXPECT_EQ(d.file, (dir_ / "bad.yml").string());
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.column, 9);
}

TEST_F(RuleLoaderTest, DuplicateIdsAcrossFilesAreErrors) {
  write("one.yml", rule("same"));
  write("two.yml", rule("same"));
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  EXPECT_EQ(r.matcher, nullptr);
  bool found = false;
  for (const Diagnostic& d : r.diagnostics.items) found |= d.code == "rules.duplicate-id";
  EXPECT_TRUE(found);
}

TEST_F(RuleLoaderTest, LuaFileProblemsAreReportedWithTheirLine) {
  write("r.lua", "rule { id = 'x' }\n");
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  EXPECT_EQ(r.matcher, nullptr);
  EXPECT_EQ(first_error(r.diagnostics).code, "lua.rule");
  EXPECT_EQ(first_error(r.diagnostics).line, 1);
}

TEST_F(RuleLoaderTest, PlaceholdersSeverityAndLimitsComeFromTheConfig) {
  write("p.yml", "title: P\nid: p\nlogsource: {product: test}\ndetection:\n    s:\n"
                 "        user|expand: '%Admins%'\n    condition: s\nlevel: low\n");
  RulesConfig c = config({dir_.string()});
  EXPECT_EQ(load_rules(c, "").matcher, nullptr);  // %Admins% undefined
  c.placeholders["Admins"] = {"root"};
  c.severity = YAML::Load("overrides: [{rule: p, sev: SEV0}]");
  RuleLoadResult r = load_rules(c, "");
  ASSERT_NE(r.matcher, nullptr);
  std::vector<Alert> alerts;
  r.matcher->evaluate(sigma::testing::json_event(R"({"user":"root"})"), alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].sev, Sev::kSev0);
  c.limits = YAML::Load("max_value_expansions: 0");
  EXPECT_EQ(load_rules(c, "").matcher, nullptr);
  c.limits = YAML::Load("surprise: 1");
  EXPECT_EQ(load_rules(c, "").matcher, nullptr);
}

TEST_F(RuleLoaderTest, LintModeDowngradesMissingPlaceholders) {
  write("p.yml", "title: P\nid: p\nlogsource: {product: test}\ndetection:\n    s:\n"
                 "        user|expand: '%Admins%'\n    condition: s\n");
  RuleLoadOptions lint;
  lint.placeholders_required = false;
  RuleLoadResult r = load_rules(config({dir_.string()}), "", lint);
  ASSERT_NE(r.matcher, nullptr);
  bool warned = false;
  for (const Diagnostic& d : r.diagnostics.items) {
    warned |= d.code == "rules.placeholder" && d.severity == Diagnostic::Severity::kWarning;
  }
  EXPECT_TRUE(warned);
}

TEST_F(RuleLoaderTest, UserLogsourceMappingsOverrideTheBuiltIns) {
  write("map.yml", "logsource_mapping:\n  logsource: {product: myapp}\n"
                   "  fields: {User: actor.name}\n");
  write("r.yml", "title: R\nid: r\nlogsource: {product: myapp, service: audit}\ndetection:\n"
                 "    s:\n        User: alice\n    condition: s\n");
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  ASSERT_NE(r.matcher, nullptr);
  std::vector<Alert> alerts;
  r.matcher->evaluate(
      sigma::testing::json_event(R"({"actor":{"name":"alice"}})", {"myapp", "audit", ""}), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST_F(RuleLoaderTest, EmbeddedTestsPassAndFail) {
  write("t.yml", rule("t", R"(tests:
    - name: matches
      event: {a: '1'}
      expect: match
    - name: does not match
      event: {a: '2'}
      expect: no_match
    - name: wrong expectation
      event: {a: '2'}
      expect: match
    - name: counts alerts
      events: [{a: '1'}, {a: '2'}, {a: '1'}]
      expect_alerts: 2
    - name: other logsource never reaches the rule
      event: {a: '1'}
      logsource: {product: elsewhere}
      expect: match
)"));
  RuleLoadResult r = load_rules(config({dir_.string()}), "");
  ASSERT_NE(r.rule_set, nullptr);
  const sigma::TestReport report = sigma::run_rule_tests(*r.rule_set);
  EXPECT_EQ(report.passed, 3u);
  EXPECT_EQ(report.failed, 2u);
  EXPECT_EQ(report.results[2].detail, "expected a match, no event matched");
  EXPECT_NE(report.results[4].detail.find("logsource"), std::string::npos);
  const std::string text = sigma::format_report(report, false);
  EXPECT_NE(text.find("Unit Testing:  " + (dir_ / "t.yml").string()), std::string::npos);
  EXPECT_NE(text.find("FAILED:"), std::string::npos);
  EXPECT_NE(text.find("t.yml:16:7: R t / wrong expectation"), std::string::npos) << text;
  EXPECT_NE(text.find("5 tests, 3 passed, 2 failed"), std::string::npos);
}

}  // namespace
}  // namespace tripline
