#include "rules/lua/lua_limits.h"

#include "config/yaml_map.h"

namespace tripline {
namespace {

void get_u32(YamlMap& m, const char* key, uint32_t& out, uint64_t min, uint64_t max) {
  uint64_t v = out;
  if (!m.get(key, v)) return;
  if (v < min || v > max) {
    m.error(key, "config.range",
            std::string(key) + " must be between " + std::to_string(min) + " and " +
                std::to_string(max));
    return;
  }
  out = static_cast<uint32_t>(v);
}

void get_count(YamlMap& m, const char* key, uint64_t& out, uint64_t min) {
  uint64_t v = out;
  if (!m.get(key, v)) return;
  if (v < min) {
    m.error(key, "config.range", std::string(key) + " must be at least " + std::to_string(min));
    return;
  }
  out = v;
}

void get_bytes(YamlMap& m, const char* key, uint64_t& out, uint64_t min) {
  uint64_t v = out;
  if (!m.get_size(key, v)) return;
  if (v < min) {
    m.error(key, "config.range",
            std::string(key) + " must be at least " + std::to_string(min) + " bytes");
    return;
  }
  out = v;
}

void get_positive_duration(YamlMap& m, const char* key, std::chrono::milliseconds& out,
                           bool zero_ok = false) {
  std::chrono::milliseconds v = out;
  if (!m.get_duration(key, v)) return;
  if (v.count() < 0 || (!zero_ok && v.count() == 0)) {
    m.error(key, "config.range", std::string(key) + " must be positive");
    return;
  }
  out = v;
}

}  // namespace

LuaLimits read_lua_limits(const YAML::Node& node, const std::string& file, Diagnostics& diags) {
  LuaLimits limits;
  if (!node.IsDefined() || node.IsNull()) return limits;
  YamlMap m(node, "rules.limits.lua", file, diags);
  if (!m.valid()) return limits;
  // A state needs some room for its own tables before the first rule runs.
  get_bytes(m, "memory", limits.memory_bytes, 1ULL << 20);
  get_count(m, "instructions", limits.instruction_budget, 1000);
  get_positive_duration(m, "wall_time", limits.wall_time);
  get_count(m, "load_instructions", limits.load_instruction_budget, 1000);
  get_positive_duration(m, "load_wall_time", limits.load_wall_time);
  get_u32(m, "max_errors", limits.max_errors, 1, 1'000'000);
  get_positive_duration(m, "error_window", limits.error_window);
  get_positive_duration(m, "quarantine_for", limits.quarantine_for, true);
  get_u32(m, "instances", limits.instances, 1, 64);
  get_count(m, "state_max_keys", limits.state_max_keys, 1);
  get_bytes(m, "state_max_key_bytes", limits.state_max_key_bytes, 1);
  get_bytes(m, "state_max_value_bytes", limits.state_max_value_bytes, 1);
  get_positive_duration(m, "state_default_ttl", limits.state_default_ttl);
  get_positive_duration(m, "state_max_ttl", limits.state_max_ttl);
  get_positive_duration(m, "state_flush_interval", limits.state_flush_interval);
  get_bytes(m, "json_max_bytes", limits.json_max_bytes, 1);
  get_bytes(m, "regex_max_mem", limits.regex_max_mem, 64 << 10);
  get_u32(m, "max_alerts_per_event", limits.max_alerts_per_event, 1, 10'000);
  get_u32(m, "max_events_per_alert", limits.max_events_per_alert, 1, 1'000);
  get_u32(m, "log_lines_per_minute", limits.log_lines_per_minute, 0, 1'000'000);
  get_bytes(m, "max_file_bytes", limits.max_file_bytes, 1);
  if (limits.state_default_ttl > limits.state_max_ttl) {
    m.error("state_default_ttl", "config.range", "state_default_ttl exceeds state_max_ttl");
  }
  m.finish();
  return limits;
}

}  // namespace tripline
