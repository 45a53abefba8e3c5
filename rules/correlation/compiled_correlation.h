#pragma once
#include <prometheus/counter.h>

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/logsource.h"
#include "rules/correlation/condition.h"
#include "rules/correlation/group_state.h"
#include "rules/severity/severity_policy.h"
#include "rules/sigma/eval_context.h"
#include "rules/sigma/rule_set.h"
#include "rules/state/keyed_store.h"

namespace tripline::correlation {

enum class Type {
  kEventCount,
  kValueCount,
  kValueSum,
  kValueAvg,
  kValuePercentile,
  kTemporal,
  kTemporalOrdered
};
bool parse_type(const std::string& text, Type& out);

// One entry of a correlation's `rules:` — a Sigma rule, or another correlation (chaining).
struct Slot {
  const sigma::CompiledRule* rule = nullptr;  // set for a rule
  size_t correlation = SIZE_MAX;              // set for a correlation: its index in the set
  // Rules: how to read each group-by field (alias applied) and the condition field from the
  // events of that rule's logsource.
  std::vector<sigma::FieldRef> group_fields;
  // The condition field(s); several are one combined value (spec: linked by AND).
  std::vector<sigma::FieldRef> value_fields;
  // Correlations: which of the feeding correlation's group fields gives each group-by field
  // (its name, or the alias target); SIZE_MAX when it has none (grouped under null).
  std::vector<size_t> group_from_source;
};

using GroupStore = state::KeyedStore<GroupState>;

// One correlation rule compiled: what it counts, how it groups, when it fires. Immutable once
// built except for its state (the store, shared with the agent's StateRegistry) and metrics.
struct CompiledCorrelation {
  size_t index = 0;
  std::string id;  // alert rule_id: the Sigma id, else its name, else a slug of the title
  std::string name;
  std::string title;
  std::string level;
  std::string runbook;
  std::vector<std::string> tags;
  std::string file;
  SourceMark mark;
  LogSource logsource;  // of the first rule it builds on (alerts' logsource)
  SeverityPolicy::RuleSeverity severity;
  std::optional<sigma::Throttle> throttle;

  Type type = Type::kEventCount;
  std::vector<std::string> group_by;
  int64_t timespan_ms = 0;
  Condition condition;
  bool eager = true;  // fires the moment the condition holds (else: when the window closes)
  // Entries a group keeps: eager counts need no more than the threshold; sums keep every event
  // up to rules.correlation.max_events_per_group.
  size_t max_entries = 0;
  std::vector<Slot> slots;
  // Correlations this one feeds: (correlation index, slot index).
  std::vector<std::pair<size_t, size_t>> feeds;
  bool emit_alerts = true;  // false when only referenced by correlations with generate: false
  std::string digest;       // of the definition: the state survives reloads while it holds

  std::shared_ptr<GroupStore> store;
  prometheus::Counter* late_events = nullptr;
  prometheus::Counter* overflow = nullptr;
  mutable std::array<std::atomic<prometheus::Counter*>, 5> match_counters{};
};

// Every compiled correlation of one rule set, with the rule index → slots routing the engine
// needs on each match.
struct CorrelationSet {
  std::vector<std::unique_ptr<CompiledCorrelation>> correlations;
  // For rule index i: the (correlation, slot) pairs it feeds.
  std::vector<std::vector<std::pair<size_t, size_t>>> by_rule;
  // Registry keys of the states acquired (RuleLoadResult::state_keys).
  std::vector<std::string> state_keys;
};

}  // namespace tripline::correlation
