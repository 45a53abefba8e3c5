#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "collectors/collector_registry.h"
#include "config/config.h"
#include "core/diagnostic.h"

namespace tripline {

// The settings of a `type: file` input. Defaults are what an unconfigured key means.
struct TailOptions {
  std::vector<std::string> paths;    // globs, absolute after reading
  std::vector<std::string> exclude;  // globs
  std::string format = "jsonl";
  bool start_at_end = true;
  uint64_t max_line_bytes = 1 << 20;
  size_t batch_size = 512;
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds rescan_interval{2000};
  bool inotify = true;
  std::vector<std::string> time_fields;
  std::chrono::milliseconds close_inactive{300000};
  // Positions are written at most this often (and on flush). Short, because what was
  // acknowledged but not yet written is read again after a crash.
  std::chrono::milliseconds checkpoint_interval{100};
};

// Reads the input's own keys from InputConfig::options (name, type, logsource and fields are
// the loader's). Every problem, unknown keys included, goes to `diags` with file:line.
// Returns false when there were errors.
bool read_tail_options(const InputConfig& input, const CollectorContext& context,
                       Diagnostics& diags, TailOptions& out);

}  // namespace tripline
