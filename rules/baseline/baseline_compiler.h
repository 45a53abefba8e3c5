#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "rules/baseline/baseline_engine.h"
#include "rules/sigma/rule_set.h"
#include "rules/state/state_limits.h"

namespace tripline::state {
class StateRegistry;
}

namespace tripline::baseline {

struct BaselineCompileOptions {
  // Where baseline state lives across reloads and restarts; null keeps it private to the
  // engine (lint, rules test, tests).
  state::StateRegistry* registry = nullptr;
  // Registry keys of the states acquired (the agent retains exactly these after a reload).
  std::set<std::string>* acquired = nullptr;
  state::StateLimits limits;  // max_keys unless the baseline sets its own
};

// Compiles `set.baselines`: resolves `rules:`/`numerator:` against the set's rules (by id or
// name), checks ids are unique across every rule kind, grades with the set's severity policy,
// maps group-by and tracked fields through each watched rule's logsource, and stops the
// referenced rules from alerting on their own unless the baseline says `generate: true`.
// Returns null when anything failed (errors in `diags` with file:line, codes rules.baseline*),
// or when the set has no baselines.
std::shared_ptr<BaselineEngine> compile_baselines(sigma::RuleSet& set,
                                                  const BaselineCompileOptions& options,
                                                  Diagnostics& diags);

// Identity of a baseline's definition: state is kept across a reload only while it is unchanged.
std::string baseline_digest(const sigma::Baseline& b);

}  // namespace tripline::baseline
