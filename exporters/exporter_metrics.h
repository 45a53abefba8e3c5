#pragma once
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <string>

namespace tripline {

// Delivery metrics beyond the DESIGN §7 set, registered once on Metrics::global()'s registry.
// Label values are sink names from the config.
struct ExporterMetrics {
  static prometheus::Counter& spool_corrupt(const std::string& sink);  // records skipped as corrupt
  static prometheus::Gauge& spool_records(const std::string& sink);    // alerts waiting
  static prometheus::Counter& sink_rejected(const std::string& sink);  // refused for good
  static prometheus::Counter& sink_retries(const std::string& sink);   // re-sent batches
  static prometheus::Gauge& circuit_open(const std::string& sink);     // 1 while open
  static prometheus::Counter& spool_write_errors(const std::string& sink);  // failed appends
};

}  // namespace tripline
