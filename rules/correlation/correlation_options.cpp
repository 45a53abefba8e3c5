#include "rules/correlation/correlation_options.h"

#include "config/yaml_map.h"

namespace tripline::correlation {

CorrelationOptions read_correlation_options(const YAML::Node& node, const std::string& file,
                                            Diagnostics& diags) {
  CorrelationOptions o;
  if (!node.IsDefined() || node.IsNull()) return o;
  YamlMap m(node, "rules.correlation", file, diags);
  if (!m.valid()) return o;
  if (m.get_duration("lateness", o.lateness) &&
      (o.lateness.count() < 0 || o.lateness > std::chrono::hours(24))) {
    m.error("lateness", "config.range", "rules.correlation.lateness must be 0s..24h");
  }
  if (m.get("max_groups", o.max_groups) && (o.max_groups < 1 || o.max_groups > 100'000'000)) {
    m.error("max_groups", "config.range", "rules.correlation.max_groups must be 1..100000000");
  }
  if (m.get("max_events_per_group", o.max_events_per_group) &&
      (o.max_events_per_group < 1 || o.max_events_per_group > 1'000'000)) {
    m.error("max_events_per_group", "config.range",
            "rules.correlation.max_events_per_group must be 1..1000000");
  }
  if (m.get("alert_events", o.alert_events) && o.alert_events > 1000) {
    m.error("alert_events", "config.range", "rules.correlation.alert_events must be 0..1000");
  }
  m.finish();
  return o;
}

}  // namespace tripline::correlation
