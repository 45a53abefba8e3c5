#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "core/alert.h"
#include "exporters/privacy/alert_redactor.h"
#include "exporters/sink.h"

namespace tripline {

// Hands alerts to every sink. A sink that refuses (disk full, spool full with policy block) is
// retried with backoff, holding the calling worker: that is the backpressure which stops inputs
// from racing ahead of what can be delivered. Once stopping, a refused delivery returns false so
// the batch stays unacknowledged and is read again after restart.
class AlertDispatcher {
 public:
  // With a redactor, every alert passes the privacy policy before any sink (and so any spool)
  // sees it; rules have already run on the raw values.
  explicit AlertDispatcher(std::vector<std::unique_ptr<Sink>> sinks,
                           std::shared_ptr<const AlertRedactor> redactor = nullptr);

  // True once every sink holds the alerts durably.
  bool deliver(std::span<const Alert> alerts);
  // Makes pending and future retries give up.
  void stop() { stopping_ = true; }
  void close_sinks();

 private:
  struct Entry {
    std::unique_ptr<Sink> sink;
    std::mutex mutex;
  };
  std::vector<std::unique_ptr<Entry>> sinks_;
  std::shared_ptr<const AlertRedactor> redactor_;
  std::atomic<bool> stopping_{false};
};

}  // namespace tripline
