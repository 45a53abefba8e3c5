// The SigmaHQ rule corpus (../shared/data/sigma): every rule loads, and SigmaHQ's own regression
// events (regression_data/**/info.yml + the JSON export of the .evtx beside it) match their rule
// through the Windows field mapping (config/logsources/windows*.yml).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "rules/rule_loader.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/sigma_matcher.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const fs::path kSigma = fs::path(TRIPLINE_SHARED_DATA_DIR) / "sigma";

std::vector<std::string> rule_folders() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kSigma)) {
    if (e.is_directory() && e.path().filename().string().rfind("rules", 0) == 0) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loads the whole corpus once (as `rules lint` does: no deployment placeholders).
const RuleLoadResult& corpus() {
  static const RuleLoadResult result = [] {
    RulesConfig config;
    config.paths = rule_folders();
    config.mark.file = "<test>";
    RuleLoadOptions lint;
    lint.placeholders_required = false;
    return load_rules(config, "", lint);
  }();
  return result;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SigmaCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kSigma / "rules")) GTEST_SKIP() << "SigmaHQ corpus not found at " << kSigma;
  }
};

TEST_F(SigmaCorpus, EveryRuleLoads) {
  const RuleLoadResult& r = corpus();
  std::map<std::string, size_t> warnings;
  for (const Diagnostic& d : r.diagnostics.items) {
    if (d.severity == Diagnostic::Severity::kError) {
      ADD_FAILURE() << d.to_string();
    } else {
      ++warnings[d.code];
    }
  }
  ASSERT_NE(r.rule_set, nullptr);
  // Every YAML file under rules*/ is one rule document.
  size_t files = 0;
  for (const std::string& folder : rule_folders()) {
    for (const auto& e : fs::recursive_directory_iterator(folder)) {
      files += e.is_regular_file() && e.path().extension() == ".yml";
    }
  }
  EXPECT_EQ(r.rule_count, files);
  EXPECT_GT(r.rule_count, 3500u);
  std::cout << "[ corpus   ] " << r.file_count << " files, " << r.rule_count
            << " rules loaded, 0 unsupported\n";
  for (const auto& [code, n] : warnings) std::cout << "[ warnings ] " << code << ": " << n << "\n";
}

TEST_F(SigmaCorpus, RegressionEventsMatchTheirRules) {
  const RuleLoadResult& r = corpus();
  ASSERT_NE(r.rule_set, nullptr);
  simdjson::dom::parser parser;
  size_t total = 0, passed = 0;
  for (const auto& e : fs::recursive_directory_iterator(kSigma / "regression_data")) {
    if (e.path().filename() != "info.yml") continue;
    const YAML::Node info = YAML::LoadFile(e.path().string());
    const YAML::Node tests = info["regression_tests_info"];
    if (!tests || !tests.IsSequence()) continue;  // commented out upstream (no data to test)
    const std::string rule_id = info["rule_metadata"][0]["id"].as<std::string>();
    for (const YAML::Node& t : tests) {
      const fs::path evtx = kSigma / t["path"].as<std::string>();
      fs::path json = evtx;
      json.replace_extension(".json");
      if (!fs::exists(json)) continue;
      ++total;
      const sigma::CompiledRule* rule = r.rule_set->find(rule_id);
      if (!rule) {
        ADD_FAILURE() << e.path() << ": rule " << rule_id << " is not in the corpus";
        continue;
      }
      auto input = std::make_shared<InputInfo>();
      input->name = "regression";
      input->logsource = rule->logsource;
      // The export holds one or more pretty-printed events back to back.
      const simdjson::padded_string text(read(json));
      simdjson::dom::document_stream docs;
      ASSERT_EQ(parser.parse_many(text, text.size()).get(docs), simdjson::SUCCESS) << json;
      bool matched = false;
      size_t events = 0;
      for (auto doc : docs) {
        simdjson::dom::element el;
        if (doc.get(el)) break;
        ++events;
        Event ev(input, simdjson::minify(el));
        ev.set_body(Event::Body::kJson);
        matched |= sigma::SigmaMatcher::matches(*rule, ev);
      }
      if (matched) {
        ++passed;
      } else {
        ADD_FAILURE() << json << ": none of " << events << " events matches rule " << rule->title
                      << " (" << rule->file << ")";
      }
    }
  }
  std::cout << "[ regress  ] " << passed << "/" << total << " regression cases match\n";
  EXPECT_GT(total, 190u);
  EXPECT_EQ(passed, total);
}

}  // namespace
}  // namespace tripline
