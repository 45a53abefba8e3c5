#include "exporters/stdout/stdout_sink.h"

#include <unistd.h>

#include "config/yaml_map.h"
#include "core/metrics.h"
#include "exporters/fd_writer.h"

namespace tripline {

std::unique_ptr<Sink> StdoutSink::create(const OutputConfig& config, const SinkContext&,
                                         Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  extension_map(config, "outputs", diags).finish();
  if (diags.error_count() != errors_before) return nullptr;
  return std::make_unique<StdoutSink>(config.name);
}

bool StdoutSink::deliver(std::span<const Alert> alerts) {
  std::string buffer;
  for (const Alert& a : alerts) {
    buffer += a.to_json();
    buffer.push_back('\n');
  }
  if (!write_all(STDOUT_FILENO, buffer)) {
    Metrics::global().sink_failures(name_).Increment();
    return false;
  }
  Metrics::global().sink_sent(name_).Increment(static_cast<double>(alerts.size()));
  return true;
}

}  // namespace tripline
