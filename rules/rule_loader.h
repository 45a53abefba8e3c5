#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/diagnostic.h"
#include "rules/matcher.h"

namespace tripline {

struct RuleLoadResult {
  std::shared_ptr<Matcher> matcher;  // null when any error was found (all-or-nothing)
  Diagnostics diagnostics;           // every error and warning with file:line:col
  size_t rule_count = 0;
};

// Loads and compiles every rule file (.yml/.yaml Sigma, .lua) in `config.paths` (files or
// directories, recursively; relative paths resolve against `base_dir`). Missing directories are
// a warning, not an error, so a fresh host with no rules still starts.
RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir);

}  // namespace tripline
