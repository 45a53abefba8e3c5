#include "rules/baseline/baseline_rule.h"

#include "core/digest.h"
#include "core/metrics.h"

namespace tripline::baseline {
namespace {

}  // namespace

int64_t window_index(TimePoint t, std::chrono::milliseconds window) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const int64_t w = window.count();
  return ms >= 0 ? ms / w : -((-ms + w - 1) / w);
}

TimePoint window_start(int64_t index, std::chrono::milliseconds window) {
  return TimePoint(std::chrono::duration_cast<Clock::duration>(window * index));
}

Alert BaselineRule::make_alert(const Observation& o, std::string_view id_seed,
                               uint64_t count) const {
  Alert a = alert_from_event(o.event, info_.id);
  std::string seed = info_.id;
  seed += '\n';
  seed += o.key;
  seed += '\n';
  seed += id_seed;
  a.alert_id = sha256_hex(seed, 32);
  a.title = info_.title;
  a.level = info_.level;
  a.sev = info_.policy->grade(info_.severity, &o.event);
  a.tags = info_.tags;
  a.runbook = info_.runbook;
  a.group = o.group;
  a.count = count;
  Metrics& m = Metrics::global();
  m.rule_matches(info_.id, sev_name(a.sev)).Increment();
  return a;
}

}  // namespace tripline::baseline
