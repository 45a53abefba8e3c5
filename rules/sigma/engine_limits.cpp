#include "rules/sigma/engine_limits.h"

#include "config/yaml_map.h"

namespace tripline::sigma {

EngineLimits read_limits(const YAML::Node& node, const std::string& file, Diagnostics& diags) {
  EngineLimits limits;
  if (!node.IsDefined() || node.IsNull()) return limits;
  YamlMap m(node, "rules.limits", file, diags);
  if (!m.valid()) return limits;
  m.allow({"lua"});  // the Lua runtime's limits, read by rules/lua/lua_limits.h
  if (m.get_size("regex_max_mem", limits.regex_max_mem) &&
      (limits.regex_max_mem < (64ULL << 10) || limits.regex_max_mem > (1ULL << 30))) {
    m.error("regex_max_mem", "config.range", "rules.limits.regex_max_mem must be 64KiB..1GiB");
  }
  if (m.get("max_value_expansions", limits.max_value_expansions) &&
      (limits.max_value_expansions < 1 || limits.max_value_expansions > 1000000)) {
    m.error("max_value_expansions", "config.range",
            "rules.limits.max_value_expansions must be 1..1000000");
  }
  if (m.get("max_condition_depth", limits.max_condition_depth) &&
      (limits.max_condition_depth < 4 || limits.max_condition_depth > 1000)) {
    m.error("max_condition_depth", "config.range",
            "rules.limits.max_condition_depth must be 4..1000");
  }
  m.finish();
  return limits;
}

}  // namespace tripline::sigma
