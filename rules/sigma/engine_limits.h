#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "core/diagnostic.h"

namespace tripline::sigma {

// Bounds on what one rule may cost, from `rules.limits` in the config. Exceeding one is a load
// error for that rule, never a slow or crashing agent.
struct EngineLimits {
  uint64_t regex_max_mem = 8ULL << 20;  // RE2 program memory per pattern
  uint64_t max_value_expansions = 4096;  // values one field condition may expand to
  int max_condition_depth = 64;          // nesting of condition expressions
};

// Reads `rules.limits` (a mapping; unknown keys are errors). A missing node gives the defaults.
EngineLimits read_limits(const YAML::Node& node, const std::string& file, Diagnostics& diags);

}  // namespace tripline::sigma
