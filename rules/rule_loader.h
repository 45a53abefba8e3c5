#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/diagnostic.h"
#include "rules/matcher.h"

namespace tripline {

namespace sigma {
class RuleSet;
}
namespace state {
class StateRegistry;
}
struct LuaRuleSet;

struct RuleLoadResult {
  std::shared_ptr<Matcher> matcher;  // null when any error was found (all-or-nothing)
  Diagnostics diagnostics;           // every error and warning with file:line:col
  size_t rule_count = 0;
  // The compiled Sigma rules behind `matcher` (null with it); `rules test` runs their tests.
  std::shared_ptr<const sigma::RuleSet> rule_set;
  size_t file_count = 0;  // rule files read
  // The Lua rules (rules/lua/), null when there were none; `rules test` runs their tests.
  std::shared_ptr<const LuaRuleSet> lua_rules;
  // Keys of the rule states (correlation windows, baselines) this rule set acquired from the
  // registry: after the agent switches to it, StateRegistry::retain(state_keys) drops the others.
  std::set<std::string> state_keys;
};

struct RuleLoadOptions {
  // A Sigma `expand` placeholder without values in `placeholders` is an error for a deployment
  // (check, run, reload) but only a warning for `rules lint`, which knows no deployment.
  bool placeholders_required = true;
  // Where stateful Lua rules persist their `state`; "" keeps it in memory (lint, test, replay).
  std::string state_dir;
  // The agent-lifetime home of rule state (correlation windows, baselines; rules/state/).
  // Null: every load starts with empty, memory-only state (lint, test, replay).
  state::StateRegistry* state_registry = nullptr;
};

// Loads and compiles every rule file (.yml/.yaml Sigma, .lua) in `config.paths` (files or
// directories, recursively; relative paths resolve against `base_dir`). Missing directories are
// a warning, not an error, so a fresh host with no rules still starts. Sets
// tripline_rules_loaded on success. `state_dir` is where stateful rules persist (the agent's).
RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir,
                          const std::string& state_dir = "",
                          state::StateRegistry* state_registry = nullptr);
// The same without touching metrics, with options (lint, test).
RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir,
                          const RuleLoadOptions& options);

// The rule files below `paths` in load order; problems (missing paths) go to `diags`.
std::vector<std::string> collect_rule_files(const std::vector<std::string>& paths,
                                            const std::string& base_dir, const SourceMark& mark,
                                            Diagnostics& diags);

}  // namespace tripline
