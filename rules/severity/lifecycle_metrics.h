#pragma once
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace tripline {

// Metrics of the alert lifecycle, on the agent's registry (Metrics::global()). Labels are rule
// ids, change ids from config, and fixed words; never event content.
//   tripline_alerts_suppressed_total{rule_id,reason}  reason: duplicate | throttle
//   tripline_alerts_escalated_total{rule_id}
//   tripline_alerts_change_approved_total{rule_id,change_id}
//   tripline_alerts_throttle_summaries_total{rule_id}
//   tripline_lifecycle_keys{table}                     table: dedup | groups
//   tripline_lifecycle_evictions_total{table}
class LifecycleMetrics {
 public:
  static LifecycleMetrics& global();
  explicit LifecycleMetrics(prometheus::Registry& registry);

  prometheus::Counter& suppressed(const std::string& rule_id, const std::string& reason);
  prometheus::Counter& escalated(const std::string& rule_id);
  prometheus::Counter& change_approved(const std::string& rule_id, const std::string& change_id);
  prometheus::Counter& throttle_summaries(const std::string& rule_id);
  prometheus::Gauge& keys(const std::string& table);
  // keys("dedup") and keys("groups"), looked up once: they move on every alert.
  prometheus::Gauge& dedup_keys() { return dedup_keys_; }
  prometheus::Gauge& group_keys() { return group_keys_; }
  prometheus::Counter& evictions(const std::string& table);

 private:
  prometheus::Family<prometheus::Counter>& suppressed_;
  prometheus::Family<prometheus::Counter>& escalated_;
  prometheus::Family<prometheus::Counter>& change_approved_;
  prometheus::Family<prometheus::Counter>& summaries_;
  prometheus::Family<prometheus::Gauge>& keys_;
  prometheus::Family<prometheus::Counter>& evictions_;
  prometheus::Gauge& dedup_keys_;
  prometheus::Gauge& group_keys_;
};

}  // namespace tripline
