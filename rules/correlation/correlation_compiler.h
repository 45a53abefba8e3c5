#pragma once
#include <memory>

#include "core/diagnostic.h"
#include "rules/correlation/compiled_correlation.h"
#include "rules/correlation/correlation_options.h"
#include "rules/sigma/rule_set.h"
#include "rules/state/state_registry.h"

namespace tripline::correlation {

// Compiles `set.correlations` against the compiled rules of `set`: resolves `rules:` by id or
// name (rules and other correlations), applies aliases to group-by and condition fields through
// the logsource field mappings, marks the rules that only feed correlations (`generate: false`)
// so they do not alert on their own, and gives each correlation its group state — from
// `registry` (kept across reloads while the definition is unchanged) or fresh in memory when
// there is none. Errors (unknown references, cycles, value_* over correlations) go to `diags`
// with the correlation's file:line; returns null when there was any. Also fills the set's
// correlation test targets and test observer factory.
std::shared_ptr<CorrelationSet> compile_correlations(sigma::RuleSet& set,
                                                     const CorrelationOptions& options,
                                                     state::StateRegistry* registry,
                                                     Diagnostics& diags);

}  // namespace tripline::correlation
