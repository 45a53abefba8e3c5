// The Sigma specification's own schema test files (../shared/data/sigma-specification/tests):
// rules load and match, filters load and exclude from the rules they name, correlation rules
// are read and validated (their evaluation belongs to the correlation engine).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rules/rule_loader.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/sigma_matcher.h"
#include "rules/sigma/yaml_reader.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const fs::path kSpec = fs::path(TRIPLINE_SHARED_DATA_DIR) / "sigma-specification" / "tests" / "schema";

class SigmaSpecFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kSpec)) GTEST_SKIP() << "Sigma specification not found at " << kSpec;
    dir_ = fs::temp_directory_path() / ("tripline-spec-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  RuleLoadResult load(std::vector<std::string> paths) {
    RulesConfig c;
    c.paths = std::move(paths);
    c.mark.file = "<test>";
    return load_rules(c, "", RuleLoadOptions{});
  }
  static std::string errors(const RuleLoadResult& r) {
    std::string out;
    for (const Diagnostic& d : r.diagnostics.items) {
      if (d.severity == Diagnostic::Severity::kError) out += d.to_string() + "\n";
    }
    return out;
  }
  static Event event(const std::string& json, LogSource ls) {
    auto input = std::make_shared<InputInfo>();
    input->name = "spec";
    input->logsource = ls;
    Event e(input, json);
    e.set_body(Event::Body::kJson);
    return e;
  }

  fs::path dir_;
};

TEST_F(SigmaSpecFiles, RuleLoadsAndMatchesThroughTheWindowsMapping) {
  RuleLoadResult r = load({(kSpec / "rules" / "rule_1.yml").string()});
  ASSERT_NE(r.matcher, nullptr) << errors(r);
  EXPECT_EQ(r.rule_count, 1u);
  std::vector<Alert> alerts;
  const LogSource ls{"windows", "application", ""};
  r.matcher->evaluate(
      event(R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Application Error"}}}}})",
            ls),
      alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule_id, "545a5da6-f103-4919-a519-e9aec1026ee4");
  EXPECT_EQ(alerts[0].sev, Sev::kSev1);  // level high
  alerts.clear();
  r.matcher->evaluate(
      event(R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Application Hang"}}}}})",
            ls),
      alerts);
  EXPECT_TRUE(alerts.empty());
}

TEST_F(SigmaSpecFiles, EcsTaxonomyRuleUsesItsFieldNamesAsWritten) {
  RuleLoadResult r = load({(kSpec / "rules" / "rule_ecs.yml").string()});
  ASSERT_NE(r.matcher, nullptr) << errors(r);
  std::vector<Alert> alerts;
  const LogSource ls{"", "dns", "network"};
  r.matcher->evaluate(event(R"({"dns":{"question":{"name":"SigmaHQ"}}})", ls), alerts);
  EXPECT_EQ(alerts.size(), 1u);
  alerts.clear();
  r.matcher->evaluate(event(R"({"dns":{"question":{"name":"sigmahq.io"}}})", ls), alerts);
  EXPECT_TRUE(alerts.empty());
}

TEST_F(SigmaSpecFiles, FiltersLoadAndExcludeFromTheRulesTheyName) {
  for (const char* f : {"filter_1.yml", "filter_ecs.yml"}) {
    RuleLoadResult alone = load({(kSpec / "filter" / f).string()});
    EXPECT_NE(alone.matcher, nullptr) << f << "\n" << errors(alone);
  }
  // filter_1 names 6f3e2987-... ("Data Compressed - rar.exe"): give it that rule.
  std::ofstream(dir_ / "rar.yml") << "title: Data Compressed - rar.exe\n"
                                     "id: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                                     "logsource: {category: process_creation, product: windows}\n"
                                     "detection:\n    selection:\n"
                                     "        Image|endswith: '\\rar.exe'\n"
                                     "    condition: selection\nlevel: low\n";
  RuleLoadResult r = load({(dir_ / "rar.yml").string(), (kSpec / "filter" / "filter_1.yml").string()});
  ASSERT_NE(r.rule_set, nullptr) << errors(r);
  EXPECT_EQ(r.rule_set->rules[0]->filters,
            std::vector<std::string>{"Filter Administrator account"});
  const LogSource ls{"windows", "", "process_creation"};
  std::vector<Alert> alerts;
  r.matcher->evaluate(
      event(R"({"Event":{"EventData":{"Image":"C:\\rar.exe","User":"adm_backup"}}})", ls), alerts);
  EXPECT_TRUE(alerts.empty());
  r.matcher->evaluate(
      event(R"({"Event":{"EventData":{"Image":"C:\\rar.exe","User":"alice"}}})", ls), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST_F(SigmaSpecFiles, CorrelationRulesAreReadAndValidated) {
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(kSpec / "correlation")) {
    ++files;
    sigma::DocumentSet docs;
    Diagnostics diags;
    sigma::read_file(e.path().string(), docs, diags);
    EXPECT_FALSE(diags.has_errors()) << e.path() << ": " << diags.items.front().to_string();
    ASSERT_EQ(docs.correlations.size(), 1u) << e.path();
    const sigma::Correlation& c = docs.correlations[0];
    EXPECT_FALSE(c.rules.empty());
    EXPECT_GT(c.timespan.count(), 0);
    if (c.type != "temporal" && c.type != "temporal_ordered") {
      EXPECT_FALSE(c.condition.empty()) << e.path();
    }
    // Alone, the correlation names rules that are not there: a load error at each reference.
    RuleLoadResult alone = load({e.path().string()});
    EXPECT_EQ(alone.matcher, nullptr);
    ASSERT_TRUE(alone.diagnostics.has_errors());
    for (const Diagnostic& d : alone.diagnostics.items) {
      if (d.severity == Diagnostic::Severity::kError) {
        EXPECT_EQ(d.code, "rules.correlation") << d.to_string();
      }
    }
    // With rules of those ids or names beside it, the correlation engine compiles it.
    const fs::path stubs = dir_ / ("stubs-" + e.path().filename().string());
    {
      std::ofstream out(stubs);
      size_t n = 0;
      for (const sigma::RuleRef& ref : c.rules) {
        const bool uuid = ref.ref.size() == 36 && ref.ref[8] == '-';
        out << (n++ ? "---\n" : "") << "title: stub " << ref.ref << "\n"
            << (uuid ? "id: " + ref.ref : "name: " + ref.ref + "\nid: stub-" + ref.ref) << "\n"
            << "logsource: {product: test}\ndetection:\n  sel: {kind: x}\n  condition: sel\n";
      }
    }
    RuleLoadResult r = load({e.path().string(), stubs.string()});
    EXPECT_NE(r.matcher, nullptr) << e.path() << "\n" << errors(r);
  }
  EXPECT_EQ(files, 8u);
}

}  // namespace
}  // namespace tripline
