#include "rules/state/state_metrics.h"

#include <prometheus/family.h>

#include "core/metrics.h"

namespace tripline::state {
namespace {

struct Families {
  prometheus::Family<prometheus::Gauge>& keys;
  prometheus::Family<prometheus::Gauge>& bytes;
  prometheus::Family<prometheus::Counter>& evictions;
  prometheus::Family<prometheus::Counter>& load_errors;

  static Families& get() {
    prometheus::Registry& r = *Metrics::global().registry();
    static Families f{
        prometheus::BuildGauge()
            .Name("tripline_state_keys")
            .Help("Keys held by a stateful rule (correlation groups, baseline keys)")
            .Register(r),
        prometheus::BuildGauge()
            .Name("tripline_state_bytes")
            .Help("Estimated memory held by a stateful rule's keys")
            .Register(r),
        prometheus::BuildCounter()
            .Name("tripline_state_evictions_total")
            .Help("Keys evicted from a full stateful rule store (least recently used first)")
            .Register(r),
        prometheus::BuildCounter()
            .Name("tripline_state_load_errors_total")
            .Help("Persisted rule state files that could not be read and were set aside")
            .Register(r)};
    return f;
  }
};

}  // namespace

StateMetrics StateMetrics::for_rule(const std::string& rule_id) {
  Families& f = Families::get();
  StateMetrics m;
  m.keys = &f.keys.Add({{"rule_id", rule_id}});
  m.bytes = &f.bytes.Add({{"rule_id", rule_id}});
  m.evictions = &f.evictions.Add({{"rule_id", rule_id}});
  m.load_errors = &f.load_errors.Add({{"rule_id", rule_id}});
  return m;
}

}  // namespace tripline::state
