#include "exporters/delivery/delivery_options.h"

namespace tripline {

void read_delivery_options(YamlMap& m, const OutputConfig& config, Diagnostics& diags,
                           DeliveryOptions& out) {
  const std::string what = "outputs." + config.name;
  if (YAML::Node node = m.node("spool"); node.IsDefined() && !node.IsNull()) {
    YamlMap s(node, what + ".spool", config.mark.file, diags);
    s.get_size("max_bytes", out.spool.max_bytes);
    s.get_size("segment_bytes", out.spool.segment_bytes);
    std::string overflow = "block";
    s.get_enum("overflow", overflow, {"block", "drop_oldest", "drop_newest"});
    out.spool.overflow = overflow == "drop_oldest"   ? SpoolOptions::Overflow::kDropOldest
                         : overflow == "drop_newest" ? SpoolOptions::Overflow::kDropNewest
                                                     : SpoolOptions::Overflow::kBlock;
    std::string fsync = "interval";
    s.get_enum("fsync", fsync, {"always", "interval"});
    out.spool.fsync =
        fsync == "always" ? SpoolOptions::Fsync::kAlways : SpoolOptions::Fsync::kInterval;
    s.get_duration("fsync_interval", out.spool.fsync_interval);
    if (out.spool.max_bytes == 0) s.error("max_bytes", "config.value", "spool.max_bytes must be > 0");
    if (out.spool.segment_bytes < 4096) {
      s.error("segment_bytes", "config.value", "spool.segment_bytes must be at least 4KiB");
    }
    s.finish();
  }
  if (YAML::Node node = m.node("retry"); node.IsDefined() && !node.IsNull()) {
    YamlMap r(node, what + ".retry", config.mark.file, diags);
    r.get_duration("initial_backoff", out.backoff.initial);
    r.get_duration("max_backoff", out.backoff.max);
    r.get("multiplier", out.backoff.multiplier);
    r.get("jitter", out.backoff.jitter);
    if (out.backoff.multiplier < 1.0) {
      r.error("multiplier", "config.value", "retry.multiplier must be >= 1");
    }
    if (out.backoff.jitter < 0.0 || out.backoff.jitter > 1.0) {
      r.error("jitter", "config.value", "retry.jitter must be between 0 and 1");
    }
    if (out.backoff.initial.count() <= 0 || out.backoff.max < out.backoff.initial) {
      r.error("max_backoff", "config.value", "retry needs 0 < initial_backoff <= max_backoff");
    }
    r.finish();
  }
  if (YAML::Node node = m.node("circuit_breaker"); node.IsDefined() && !node.IsNull()) {
    YamlMap c(node, what + ".circuit_breaker", config.mark.file, diags);
    c.get("failure_threshold", out.breaker.failure_threshold);
    c.get_duration("open_for", out.breaker.open_for);
    if (out.breaker.failure_threshold < 1) {
      c.error("failure_threshold", "config.value", "circuit_breaker.failure_threshold must be >= 1");
    }
    c.finish();
  }
  uint64_t batch = out.batch_size;
  if (m.get("batch_size", batch)) {
    if (batch == 0) m.error("batch_size", "config.value", what + ".batch_size must be >= 1");
    out.batch_size = static_cast<size_t>(batch);
  }
  m.get_size("batch_max_bytes", out.batch_max_bytes);
  m.get_duration("drain_timeout", out.drain_timeout);
}

}  // namespace tripline
