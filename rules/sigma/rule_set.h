#pragma once
#include <prometheus/counter.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "rules/severity/severity_policy.h"
#include "rules/sigma/engine_limits.h"
#include "rules/sigma/eval_tree.h"
#include "rules/sigma/field_mapping.h"
#include "rules/sigma/sigma_ast.h"
#include "rules/sigma/sigma_string.h"

namespace tripline::sigma {

class MatchObserver;

// The embedded `tests:` of a correlation rule, run like a rule's against the whole set with the
// set's observers attached (rules/sigma/rule_tests.h).
struct CorrelationTestTarget {
  std::string id;  // alert rule_id of the correlation
  std::string title;
  std::string file;
  LogSource logsource;  // of the first base rule it builds on: the default for JSON test events
  std::vector<TestCase> tests;
};

// One Sigma rule compiled into its evaluation plan. Immutable once the set is built, except for
// the lazily created metric children (atomics).
struct CompiledRule {
  size_t index = 0;
  std::string id;  // alert rule_id: the Sigma id, else its name, else a slug of the title
  std::string name;
  std::string title;
  std::string level;
  std::string runbook;
  std::vector<std::string> tags;
  LogSource logsource;
  std::string file;
  SourceMark mark;
  SeverityPolicy::RuleSeverity severity;
  std::optional<Throttle> throttle;
  std::vector<std::pair<std::string, FieldRef>> output_fields;  // Sigma `fields:`
  NodePtr condition;                 // the detection, minus what filters exclude
  std::optional<Requirement> requirement;  // field literals the condition needs (indexing)
  std::vector<TestCase> tests;
  std::vector<std::string> filters;  // titles of the filters applied
  // False for rules only referenced by correlation rules (Sigma `generate: false`): their
  // matches feed the correlation engine without alerting on their own.
  bool emit_alerts = true;

  mutable std::array<std::atomic<prometheus::Counter*>, 5> match_counters{};
  mutable std::atomic<prometheus::Counter*> error_counter{nullptr};
};

// A compiled rule set: what one load produced, replaced whole on reload.
class RuleSet {
 public:
  std::vector<std::unique_ptr<CompiledRule>> rules;
  std::shared_ptr<const SeverityPolicy> policy;    // rules point into its overrides
  std::shared_ptr<const LogSourceCatalog> catalog;
  std::vector<Correlation> correlations;  // read and validated; compiled by the correlation hook
  std::vector<Baseline> baselines;        // read and validated; compiled by the baseline hook
  // Set by the correlation hook: builds fresh, memory-only observers (the correlation engine)
  // for a private matcher over this set, as rule tests need. Null without correlations.
  std::function<std::vector<std::shared_ptr<MatchObserver>>()> make_test_observers;
  std::vector<CorrelationTestTarget> correlation_tests;

  // By Sigma id or name; null when absent.
  const CompiledRule* find(const std::string& id_or_name) const;
};

struct MapPlaceholders : PlaceholderLookup {
  const std::map<std::string, std::vector<std::string>>* values = nullptr;
  const std::vector<std::string>* find(const std::string& name) const override {
    if (!values) return nullptr;
    auto it = values->find(name);
    return it == values->end() ? nullptr : &it->second;
  }
};

struct CompileOptions {
  const std::map<std::string, std::vector<std::string>>* placeholders = nullptr;
  bool placeholders_required = true;
  EngineLimits limits;
  std::shared_ptr<const SeverityPolicy> policy;
  std::shared_ptr<const LogSourceCatalog> catalog;
  // Compiles `set.correlations` on top of the compiled rules (issue: stateful detection). When
  // unset, correlation documents are reported as unsupported.
  std::function<bool(RuleSet& set, Diagnostics& diags)> correlation_compiler;
  // Compiles `set.baselines` (rules/baseline/); unset: baseline documents are unsupported.
  std::function<bool(RuleSet& set, Diagnostics& diags)> baseline_compiler;
};

// Compiles every document: rules (with their field mappings), filters applied to the rules they
// name, correlation rules through the hook. Returns null when anything failed (all or nothing);
// every problem is in `diags`.
std::shared_ptr<RuleSet> compile_rule_set(const DocumentSet& docs, const CompileOptions& options,
                                          Diagnostics& diags);

}  // namespace tripline::sigma
