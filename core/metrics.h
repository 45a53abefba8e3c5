#pragma once
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace tripline {

// The metric set of DESIGN §7 on one prometheus-cpp registry. Label values come from config and
// rules only, never from event content. Family::Add is thread-safe but takes a lock: hot paths
// look a child up once and keep the reference.
class Metrics {
 public:
  Metrics();

  // The process-wide instance the agent serves on /metrics.
  static Metrics& global();

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

  prometheus::Counter& events(const std::string& input);
  prometheus::Counter& events_dropped(const std::string& input, const std::string& reason);
  prometheus::Counter& parse_errors(const std::string& input);
  prometheus::Gauge& input_lag_bytes(const std::string& input);
  prometheus::Counter& rule_matches(const std::string& rule_id, const std::string& sev);
  prometheus::Histogram& rule_eval_seconds();
  prometheus::Counter& rule_errors(const std::string& rule_id);
  prometheus::Counter& alerts(const std::string& sev);
  prometheus::Counter& sink_sent(const std::string& sink);
  prometheus::Counter& sink_failures(const std::string& sink);
  prometheus::Gauge& spool_bytes(const std::string& sink);
  prometheus::Counter& spool_dropped(const std::string& sink);
  prometheus::Gauge& rules_loaded();
  prometheus::Counter& config_reloads(const std::string& result);
  // Lines longer than the input's max_line_bytes, truncated.
  prometheus::Counter& lines_truncated(const std::string& input);
  // Checkpoint files that could not be read and were started over.
  prometheus::Counter& checkpoint_errors(const std::string& input);
  // Times a file input gave up on inotify and fell back to polling.
  prometheus::Counter& input_watch_fallbacks(const std::string& input);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& events_dropped_;
  prometheus::Family<prometheus::Counter>& parse_errors_;
  prometheus::Family<prometheus::Gauge>& input_lag_bytes_;
  prometheus::Family<prometheus::Counter>& rule_matches_;
  prometheus::Family<prometheus::Histogram>& rule_eval_seconds_;
  prometheus::Histogram& rule_eval_seconds_all_;
  prometheus::Family<prometheus::Counter>& rule_errors_;
  prometheus::Family<prometheus::Counter>& alerts_;
  prometheus::Family<prometheus::Counter>& sink_sent_;
  prometheus::Family<prometheus::Counter>& sink_failures_;
  prometheus::Family<prometheus::Gauge>& spool_bytes_;
  prometheus::Family<prometheus::Counter>& spool_dropped_;
  prometheus::Family<prometheus::Gauge>& rules_loaded_;
  prometheus::Gauge& rules_loaded_all_;
  prometheus::Family<prometheus::Counter>& config_reloads_;
  prometheus::Family<prometheus::Gauge>& build_info_;
  prometheus::Family<prometheus::Counter>& lines_truncated_;
  prometheus::Family<prometheus::Counter>& checkpoint_errors_;
  prometheus::Family<prometheus::Counter>& input_watch_fallbacks_;
};

}  // namespace tripline
