#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "collectors/cloud/cursor_store.h"
#include "collectors/cloud/object_emitter.h"
#include "collectors/collector_registry.h"
#include "collectors/iam/iam_diff.h"

namespace tripline {

// `type: iam_snapshot`. Watches a directory for `aws iam get-account-authorization-details` JSON
// snapshots (*.json, e.g. written hourly by a cron job) and compares each new one with the
// declared baseline (same format). Every way a snapshot grants more than the baseline becomes one
// event {"iam_drift":{"kind","principal","detail","sev"}} (logsource aws/iam_snapshot); the
// aws_iam_snapshot_drift rules turn them into alerts. Keys (docs/inputs.md):
//   dir: /var/lib/tripline/iam-snapshots   (required)
//   baseline: /etc/tripline/iam-baseline.json   (required; re-read when it changes)
//   poll_interval: 60s
// A snapshot is checkpointed as compared once its findings are committed; unreadable snapshots
// (still being written) are retried at the next poll.
class IamSnapshotCollector : public Collector {
 public:
  struct Options {
    std::string dir;
    std::string baseline;
    std::chrono::milliseconds poll_interval{60000};
  };
  IamSnapshotCollector(std::shared_ptr<const InputInfo> input, Options options,
                       const std::string& state_dir);
  ~IamSnapshotCollector() override;

  const std::string& name() const override { return input_->name; }
  void start(BatchConsumer& out) override;
  void stop() override;
  void flush_checkpoints() override;

  // One pass over the directory; false when the pipeline shut down. Exposed for tests.
  bool poll_once(BatchConsumer& out);

 private:
  bool load_baseline();

  std::shared_ptr<const InputInfo> input_;
  Options options_;
  ObjectEmitter emitter_;
  CursorStore store_;
  IamSnapshot baseline_;
  bool baseline_loaded_ = false;
  int64_t baseline_mtime_ns_ = -1;

  std::mutex mu_;
  std::set<std::string> done_;
  std::set<std::string> in_flight_;
  bool dirty_ = false;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

std::unique_ptr<Collector> make_iam_snapshot_collector(const InputConfig& config,
                                                       const CollectorContext& context,
                                                       Diagnostics& diags);

}  // namespace tripline
