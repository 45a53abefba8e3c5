#pragma once
#include <chrono>
#include <span>
#include <string>

#include "core/alert.h"

namespace tripline {

struct SendResult {
  enum class Status {
    kOk,      // the receiver has the alerts
    kRetry,   // transient failure (connection, timeout, 5xx, 429): send the same batch again
    kReject,  // the receiver refused them for good (e.g. 400): retrying cannot help
  };
  Status status = Status::kOk;
  std::string error;  // for the log; never contains secrets

  static SendResult ok() { return {}; }
  static SendResult retry(std::string e) { return {Status::kRetry, std::move(e)}; }
  static SendResult reject(std::string e) { return {Status::kReject, std::move(e)}; }
};

// The wire half of a sink: turns alerts into the receiver's protocol. A SpooledSink owns one and
// calls it from its delivery thread only, one batch at a time and in spool order, so
// implementations need no locking.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual SendResult send(std::span<const Alert> alerts) = 0;
  // Called regularly by the delivery thread, also while idle (e.g. re-sending firing alerts).
  virtual void tick(std::chrono::steady_clock::time_point now) { (void)now; }
  // Releases connections; send() is not called afterwards.
  virtual void close() {}
};

}  // namespace tripline
