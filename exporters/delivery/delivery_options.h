#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "config/config.h"
#include "config/yaml_map.h"
#include "core/diagnostic.h"
#include "exporters/delivery/backoff.h"
#include "exporters/delivery/circuit_breaker.h"
#include "exporters/spool/spool.h"

namespace tripline {

// Keys every spooled sink shares (see docs/outputs.md):
//   spool: { max_bytes, segment_bytes, overflow: block|drop_oldest|drop_newest,
//            fsync: always|interval, fsync_interval }
//   retry: { initial_backoff, max_backoff, multiplier, jitter }
//   circuit_breaker: { failure_threshold, open_for }
//   batch_size, batch_max_bytes, drain_timeout
struct DeliveryOptions {
  SpoolOptions spool;
  BackoffOptions backoff;
  CircuitBreakerOptions breaker;
  size_t batch_size = 100;
  uint64_t batch_max_bytes = 4ull << 20;
  std::chrono::milliseconds drain_timeout{5000};
};

// Reads the shared keys from an output's mapping `m` (sub-mappings get their own schema check).
void read_delivery_options(YamlMap& m, const OutputConfig& config, Diagnostics& diags,
                           DeliveryOptions& out);

}  // namespace tripline
