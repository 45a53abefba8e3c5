#include "core/metrics.h"

#include "core/version.h"

namespace tripline {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      events_(BuildCounter()
                  .Name("tripline_events_total")
                  .Help("Events read, per input")
                  .Register(*registry_)),
      events_dropped_(BuildCounter()
                          .Name("tripline_events_dropped_total")
                          .Help("Events dropped, per input and reason")
                          .Register(*registry_)),
      parse_errors_(BuildCounter()
                        .Name("tripline_parse_errors_total")
                        .Help("Records that did not parse (kept as raw events)")
                        .Register(*registry_)),
      input_lag_bytes_(BuildGauge()
                           .Name("tripline_input_lag_bytes")
                           .Help("Bytes written to an input and not yet read")
                           .Register(*registry_)),
      rule_matches_(BuildCounter()
                        .Name("tripline_rule_matches_total")
                        .Help("Rule matches, per rule and severity")
                        .Register(*registry_)),
      rule_eval_seconds_(BuildHistogram()
                             .Name("tripline_rule_eval_seconds")
                             .Help("Time to evaluate all rules against one batch of events")
                             .Register(*registry_)),
      rule_eval_seconds_all_(rule_eval_seconds_.Add(
          {}, prometheus::Histogram::BucketBoundaries{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1})),
      rule_errors_(BuildCounter()
                       .Name("tripline_rule_errors_total")
                       .Help("Rule evaluation errors, per rule")
                       .Register(*registry_)),
      alerts_(BuildCounter()
                  .Name("tripline_alerts_total")
                  .Help("Alerts emitted, per severity")
                  .Register(*registry_)),
      sink_sent_(BuildCounter()
                     .Name("tripline_sink_sent_total")
                     .Help("Alerts delivered, per sink")
                     .Register(*registry_)),
      sink_failures_(BuildCounter()
                         .Name("tripline_sink_failures_total")
                         .Help("Failed delivery attempts, per sink")
                         .Register(*registry_)),
      spool_bytes_(BuildGauge()
                       .Name("tripline_spool_bytes")
                       .Help("Bytes held in a sink's spool")
                       .Register(*registry_)),
      spool_dropped_(BuildCounter()
                         .Name("tripline_spool_dropped_total")
                         .Help("Alerts dropped by a full spool, per sink")
                         .Register(*registry_)),
      rules_loaded_(BuildGauge()
                        .Name("tripline_rules_loaded")
                        .Help("Rules currently loaded")
                        .Register(*registry_)),
      rules_loaded_all_(rules_loaded_.Add({})),
      config_reloads_(BuildCounter()
                          .Name("tripline_config_reloads_total")
                          .Help("Configuration reloads, per result")
                          .Register(*registry_)),
      build_info_(BuildGauge()
                      .Name("tripline_build_info")
                      .Help("Build information; value is always 1")
                      .Register(*registry_)),
      lines_truncated_(BuildCounter()
                           .Name("tripline_lines_truncated_total")
                           .Help("Lines longer than the input's max_line_bytes, truncated")
                           .Register(*registry_)),
      checkpoint_errors_(BuildCounter()
                             .Name("tripline_checkpoint_errors_total")
                             .Help("Unreadable checkpoint files; the input started over")
                             .Register(*registry_)),
      input_watch_fallbacks_(BuildCounter()
                                 .Name("tripline_input_watch_fallbacks_total")
                                 .Help("File inputs that fell back from inotify to polling")
                                 .Register(*registry_)) {
  build_info_.Add({{"version", kVersion}}).Set(1);
}

Metrics& Metrics::global() {
  static Metrics instance;
  return instance;
}

prometheus::Counter& Metrics::events(const std::string& input) {
  return events_.Add({{"input", input}});
}
prometheus::Counter& Metrics::events_dropped(const std::string& input, const std::string& reason) {
  return events_dropped_.Add({{"input", input}, {"reason", reason}});
}
prometheus::Counter& Metrics::parse_errors(const std::string& input) {
  return parse_errors_.Add({{"input", input}});
}
prometheus::Gauge& Metrics::input_lag_bytes(const std::string& input) {
  return input_lag_bytes_.Add({{"input", input}});
}
prometheus::Counter& Metrics::rule_matches(const std::string& rule_id, const std::string& sev) {
  return rule_matches_.Add({{"rule_id", rule_id}, {"sev", sev}});
}
prometheus::Histogram& Metrics::rule_eval_seconds() { return rule_eval_seconds_all_; }
prometheus::Counter& Metrics::rule_errors(const std::string& rule_id) {
  return rule_errors_.Add({{"rule_id", rule_id}});
}
prometheus::Counter& Metrics::alerts(const std::string& sev) { return alerts_.Add({{"sev", sev}}); }
prometheus::Counter& Metrics::sink_sent(const std::string& sink) {
  return sink_sent_.Add({{"sink", sink}});
}
prometheus::Counter& Metrics::sink_failures(const std::string& sink) {
  return sink_failures_.Add({{"sink", sink}});
}
prometheus::Gauge& Metrics::spool_bytes(const std::string& sink) {
  return spool_bytes_.Add({{"sink", sink}});
}
prometheus::Counter& Metrics::spool_dropped(const std::string& sink) {
  return spool_dropped_.Add({{"sink", sink}});
}
prometheus::Gauge& Metrics::rules_loaded() { return rules_loaded_all_; }
prometheus::Counter& Metrics::config_reloads(const std::string& result) {
  return config_reloads_.Add({{"result", result}});
}
prometheus::Counter& Metrics::lines_truncated(const std::string& input) {
  return lines_truncated_.Add({{"input", input}});
}
prometheus::Counter& Metrics::checkpoint_errors(const std::string& input) {
  return checkpoint_errors_.Add({{"input", input}});
}
prometheus::Counter& Metrics::input_watch_fallbacks(const std::string& input) {
  return input_watch_fallbacks_.Add({{"input", input}});
}

}  // namespace tripline
