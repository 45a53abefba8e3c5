#include "exporters/exporter_metrics.h"

#include <prometheus/family.h>

#include "core/metrics.h"

namespace tripline {
namespace {

struct Families {
  prometheus::Family<prometheus::Counter>& spool_corrupt;
  prometheus::Family<prometheus::Gauge>& spool_records;
  prometheus::Family<prometheus::Counter>& sink_rejected;
  prometheus::Family<prometheus::Counter>& sink_retries;
  prometheus::Family<prometheus::Gauge>& circuit_open;
  prometheus::Family<prometheus::Counter>& spool_write_errors;
};

Families& families() {
  static Families f{
      prometheus::BuildCounter()
          .Name("tripline_spool_corrupt_records_total")
          .Help("Spool records skipped because their CRC or framing was invalid")
          .Register(*Metrics::global().registry()),
      prometheus::BuildGauge()
          .Name("tripline_spool_records")
          .Help("Alerts held in a sink's spool, waiting for delivery")
          .Register(*Metrics::global().registry()),
      prometheus::BuildCounter()
          .Name("tripline_sink_rejected_total")
          .Help("Alerts the receiver refused permanently (logged and dropped)")
          .Register(*Metrics::global().registry()),
      prometheus::BuildCounter()
          .Name("tripline_sink_retries_total")
          .Help("Delivery attempts that re-sent a batch after a failure")
          .Register(*Metrics::global().registry()),
      prometheus::BuildGauge()
          .Name("tripline_sink_circuit_open")
          .Help("1 while a sink's circuit breaker is open (deliveries paused)")
          .Register(*Metrics::global().registry()),
      prometheus::BuildCounter()
          .Name("tripline_spool_write_errors_total")
          .Help("Appends a sink's spool could not write (disk full, I/O error); retried")
          .Register(*Metrics::global().registry()),
  };
  return f;
}

}  // namespace

prometheus::Counter& ExporterMetrics::spool_corrupt(const std::string& sink) {
  return families().spool_corrupt.Add({{"sink", sink}});
}
prometheus::Gauge& ExporterMetrics::spool_records(const std::string& sink) {
  return families().spool_records.Add({{"sink", sink}});
}
prometheus::Counter& ExporterMetrics::sink_rejected(const std::string& sink) {
  return families().sink_rejected.Add({{"sink", sink}});
}
prometheus::Counter& ExporterMetrics::sink_retries(const std::string& sink) {
  return families().sink_retries.Add({{"sink", sink}});
}
prometheus::Gauge& ExporterMetrics::circuit_open(const std::string& sink) {
  return families().circuit_open.Add({{"sink", sink}});
}
prometheus::Counter& ExporterMetrics::spool_write_errors(const std::string& sink) {
  return families().spool_write_errors.Add({{"sink", sink}});
}

}  // namespace tripline
