#include "rules/severity/lifecycle_metrics.h"

#include "core/metrics.h"

namespace tripline {

LifecycleMetrics& LifecycleMetrics::global() {
  static LifecycleMetrics metrics(*Metrics::global().registry());
  return metrics;
}

LifecycleMetrics::LifecycleMetrics(prometheus::Registry& registry)
    : suppressed_(prometheus::BuildCounter()
                      .Name("tripline_alerts_suppressed_total")
                      .Help("Alerts held back by the lifecycle: duplicate alert_id or throttle")
                      .Register(registry)),
      escalated_(prometheus::BuildCounter()
                     .Name("tripline_alerts_escalated_total")
                     .Help("Alerts raised in severity by the escalation policy")
                     .Register(registry)),
      change_approved_(prometheus::BuildCounter()
                           .Name("tripline_alerts_change_approved_total")
                           .Help("Alerts graded SEV4 because an approved change covers them")
                           .Register(registry)),
      summaries_(prometheus::BuildCounter()
                     .Name("tripline_alerts_throttle_summaries_total")
                     .Help("Summary alerts emitted for throttle windows that held alerts back")
                     .Register(registry)),
      keys_(prometheus::BuildGauge()
                .Name("tripline_lifecycle_keys")
                .Help("Keys held by the alert lifecycle tables")
                .Register(registry)),
      evictions_(prometheus::BuildCounter()
                     .Name("tripline_lifecycle_evictions_total")
                     .Help("Keys evicted from the alert lifecycle tables at their max_keys bound")
                     .Register(registry)),
      dedup_keys_(keys_.Add({{"table", "dedup"}})),
      group_keys_(keys_.Add({{"table", "groups"}})) {}

prometheus::Counter& LifecycleMetrics::suppressed(const std::string& rule_id,
                                                  const std::string& reason) {
  return suppressed_.Add({{"rule_id", rule_id}, {"reason", reason}});
}

prometheus::Counter& LifecycleMetrics::escalated(const std::string& rule_id) {
  return escalated_.Add({{"rule_id", rule_id}});
}

prometheus::Counter& LifecycleMetrics::change_approved(const std::string& rule_id,
                                                       const std::string& change_id) {
  return change_approved_.Add({{"rule_id", rule_id}, {"change_id", change_id}});
}

prometheus::Counter& LifecycleMetrics::throttle_summaries(const std::string& rule_id) {
  return summaries_.Add({{"rule_id", rule_id}});
}

prometheus::Gauge& LifecycleMetrics::keys(const std::string& table) {
  return keys_.Add({{"table", table}});
}

prometheus::Counter& LifecycleMetrics::evictions(const std::string& table) {
  return evictions_.Add({{"table", table}});
}

}  // namespace tripline
