#pragma once
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "core/diagnostic.h"

namespace tripline::correlation {

// `rules.correlation` in the config.
struct CorrelationOptions {
  // How far behind the newest event time an event may arrive and still be placed in its window;
  // windows judged at close are judged this long after they end. Later events are counted in
  // tripline_correlation_late_events_total and still handled (see docs/rule-writing.md).
  std::chrono::milliseconds lateness{30'000};
  uint64_t max_groups = 20'000;  // per correlation rule, LRU-evicted beyond (~1.3 KB each)
  uint64_t max_events_per_group = 1000;  // window entries a group keeps for value_sum/avg/...
  uint64_t alert_events = 10;            // events carried in an alert (the first ones)
};

// Reads `rules.correlation` (unknown keys are errors). A missing node gives the defaults.
CorrelationOptions read_correlation_options(const YAML::Node& node, const std::string& file,
                                            Diagnostics& diags);

}  // namespace tripline::correlation
