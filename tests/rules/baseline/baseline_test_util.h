#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/time_util.h"
#include "rules/baseline/baseline_compiler.h"
#include "rules/sigma/sigma_matcher.h"
#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::baseline::testing {

// Rule text compiled the way load_rules does it, with the baseline engine observing the matcher.
struct Loaded {
  std::shared_ptr<sigma::RuleSet> set;
  std::shared_ptr<BaselineEngine> engine;
  std::shared_ptr<sigma::SigmaMatcher> matcher;
  Diagnostics diags;

  std::string dump() const {
    std::string out;
    for (const Diagnostic& d : diags.items) out += d.to_string() + "\n";
    return out;
  }
};

inline Loaded load(const std::string& yaml, state::StateRegistry* registry = nullptr) {
  Loaded l;
  sigma::DocumentSet docs;
  sigma::read_text(yaml, "baseline.yml", docs, l.diags);
  sigma::CompileOptions o;
  o.policy = std::make_shared<SeverityPolicy>();
  o.catalog = std::make_shared<sigma::LogSourceCatalog>(sigma::LogSourceCatalog::builtin(l.diags));
  BaselineCompileOptions bo;
  bo.registry = registry;
  o.baseline_compiler = [&](sigma::RuleSet& set, Diagnostics& d) {
    l.engine = compile_baselines(set, bo, d);
    return l.engine != nullptr;
  };
  l.set = sigma::compile_rule_set(docs, o, l.diags);
  if (!l.set || l.diags.has_errors()) return l;
  l.matcher = std::make_shared<sigma::SigmaMatcher>(l.set);
  if (l.engine) l.matcher->add_observer(l.engine);
  return l;
}

// Feeds one JSON event at `time` and returns the alerts it produced.
inline std::vector<Alert> feed(sigma::SigmaMatcher& m, const std::string& json, TimePoint time) {
  Event e = sigma::testing::json_event(json);
  e.set_event_time(time);
  std::vector<Alert> alerts;
  m.evaluate(e, alerts);
  m.advance(time, alerts);
  return alerts;
}

inline size_t count_rule(const std::vector<Alert>& alerts, const std::string& rule_id) {
  size_t n = 0;
  for (const Alert& a : alerts) n += a.rule_id == rule_id;
  return n;
}

inline std::string field(const Alert& a, const std::string& name) {
  for (const auto& [k, v] : a.fields) {
    if (k == name) return v;
  }
  return {};
}

inline TimePoint at(const std::string& rfc3339) { return *parse_rfc3339(rfc3339); }

}  // namespace tripline::baseline::testing
