// Sigma rule reader + compiler: one rule file (any number of YAML documents: rules, filters,
// correlation rules, logsource mappings) read with file:line diagnostics and compiled into an
// evaluation plan; what compiles is evaluated against sample events and its embedded `tests:`
// are run, as `tripline rules test` does.
// Properties: no crash, hang or leak; whatever compiles evaluates without throwing.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/severity/severity_policy.h"
#include "rules/sigma/field_mapping.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/rule_tests.h"
#include "rules/sigma/sigma_matcher.h"
#include "rules/sigma/yaml_reader.h"
#include "tests/fuzz/fuzz_events.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tripline;
  // Built once: the built-in catalog and policy are inputs of the compiler, not what is fuzzed.
  static const auto setup = [] {
    struct Setup {
      sigma::CompileOptions options;
      std::map<std::string, std::vector<std::string>> placeholders;
    };
    auto s = std::make_unique<Setup>();
    Diagnostics diags;
    s->placeholders = {{"admins", {"root", "admin*"}}, {"nets", {"10.0.0.0/8"}}};
    s->options.placeholders = &s->placeholders;
    s->options.catalog =
        std::make_shared<sigma::LogSourceCatalog>(sigma::LogSourceCatalog::builtin(diags));
    s->options.policy = std::make_shared<SeverityPolicy>(
        SeverityPolicy::read(YAML::Node(), "tripline.yaml", diags));
    if (diags.has_errors()) std::abort();
    return s;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);

  Diagnostics diags;
  sigma::DocumentSet docs;
  std::shared_ptr<sigma::RuleSet> set;
  try {
    sigma::read_text(text, "fuzz.yml", docs, diags);
    set = sigma::compile_rule_set(docs, setup->options, diags);
  } catch (const std::exception&) {
    // Loading may throw: load_rules turns that into a rules.internal diagnostic.
    return 0;
  }
  for (const Diagnostic& d : diags.items) d.to_string();
  if (!set || diags.has_errors()) return 0;

  sigma::SigmaMatcher matcher(set);
  std::vector<Alert> alerts;
  for (const Event& event : fuzz::sample_events()) {
    Event copy = event;  // each rule set reads its fields afresh
    matcher.evaluate(copy, alerts);
  }
  matcher.finish(alerts);
  for (const Alert& a : alerts) fuzz::check(!a.rule_id.empty());
  sigma::run_rule_tests(*set);
  return 0;
}
