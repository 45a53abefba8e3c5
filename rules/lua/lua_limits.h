#pragma once
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "core/diagnostic.h"

namespace tripline {

// What a Lua rule may cost. Read from `rules.limits.lua` in the config; every key optional.
//
//   rules:
//     limits:
//       lua:
//         memory: 32MiB            # heap cap of one rule-file state
//         instructions: 1000000    # budget units per rule per event
//         wall_time: 100ms         # per rule per event
//         ...
struct LuaLimits {
  // Heap of one lua_State (one instance of a rule file; a file normally holds one rule).
  uint64_t memory_bytes = 32ULL << 20;
  // Budget per rule per event, in units: one per VM instruction, plus the work the sandbox's
  // C functions report (one per 64 bytes allocated, per pattern step, per element moved...).
  uint64_t instruction_budget = 1'000'000;
  std::chrono::milliseconds wall_time{100};
  // The same for running a file's top level at load.
  uint64_t load_instruction_budget = 10'000'000;
  std::chrono::milliseconds load_wall_time{2000};
  // Quarantine: a rule that exceeds a limit is disabled at once; one that raises `max_errors`
  // errors within `error_window` too. quarantine_for 0 keeps it disabled until the next reload.
  uint32_t max_errors = 5;
  std::chrono::milliseconds error_window{60'000};
  std::chrono::milliseconds quarantine_for{0};
  // lua_States per rule file: evaluations of one file run in parallel up to this many.
  uint32_t instances = 2;
  // `state` store of a stateful rule.
  uint64_t state_max_keys = 10'000;
  uint64_t state_max_key_bytes = 256;
  uint64_t state_max_value_bytes = 4096;
  std::chrono::milliseconds state_default_ttl{3'600'000};
  std::chrono::milliseconds state_max_ttl{30LL * 24 * 3'600'000};
  std::chrono::milliseconds state_flush_interval{30'000};
  // Helpers and output.
  uint64_t json_max_bytes = 1ULL << 20;
  uint64_t regex_max_mem = 8ULL << 20;
  uint32_t max_alerts_per_event = 16;
  uint32_t max_events_per_alert = 10;
  uint32_t log_lines_per_minute = 60;
  uint64_t max_file_bytes = 1ULL << 20;
};

// Reads the `lua` mapping of `rules.limits` (unknown keys and bad values are errors with
// file:line). A missing node gives the defaults.
LuaLimits read_lua_limits(const YAML::Node& node, const std::string& file, Diagnostics& diags);

}  // namespace tripline
