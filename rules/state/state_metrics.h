#pragma once
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <string>

namespace tripline::state {

// The metric children of one rule's keyed state, registered on Metrics::global()'s registry:
//   tripline_state_keys{rule_id}             keys held now
//   tripline_state_bytes{rule_id}            estimated memory those keys take
//   tripline_state_evictions_total{rule_id}  keys dropped because the store was full
//   tripline_state_load_errors_total{rule_id} persisted state files that could not be read
// Looked up once per store (Family::Add takes a lock); rule ids come from rules, never events.
struct StateMetrics {
  prometheus::Gauge* keys = nullptr;
  prometheus::Gauge* bytes = nullptr;
  prometheus::Counter* evictions = nullptr;
  prometheus::Counter* load_errors = nullptr;

  static StateMetrics for_rule(const std::string& rule_id);
};

}  // namespace tripline::state
