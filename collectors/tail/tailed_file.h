#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "collectors/tail/file_io.h"
#include "collectors/tail/line_framer.h"
#include "collectors/tail/progress_table.h"

namespace tripline {

using SteadyClock = std::chrono::steady_clock;

// One generation of one file the tail input follows. Owned and used by the reader thread only;
// `progress` is what it shares with the pipeline.
struct TailedFile {
  explicit TailedFile(size_t max_line_bytes) : framer(max_line_bytes) {}

  std::string path;    // where a glob finds it now; empty once it left the globs
  std::string origin;  // the last path it had (reported in event positions)
  uint64_t dev = 0;
  uint64_t ino = 0;
  UniqueFd fd;          // released while the file is inactive
  std::string prefix;   // its first bytes (up to kFingerprintBytes), the content fingerprint
  std::string generation;  // identity of this content (see generation_id()); empty until needed
  LineFramer framer;    // next_offset(): bytes read; line_start(): bytes emitted as events
  uint64_t batched_until = 0;  // bytes handed to batches; the next batch range starts here
  uint64_t size = 0;           // at the last look
  bool deleted = false;        // unlinked (st_nlink == 0) but still open
  SteadyClock::time_point last_change{};
  std::shared_ptr<FileProgress> progress;

  uint64_t emitted() const { return framer.line_start(); }
};

}  // namespace tripline
