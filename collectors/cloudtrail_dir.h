#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "collectors/cloud/cursor_store.h"
#include "collectors/cloud/object_emitter.h"
#include "collectors/collector_registry.h"

namespace tripline {

// `type: cloudtrail`. Watches a directory tree where CloudTrail delivery files land (as an S3
// sync leaves them: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz) and emits each
// record as one event (logsource aws/cloudtrail). Keys (docs/inputs.md):
//   dir: /var/lib/cloudtrail-sync   (required)
//   poll_interval: 10s              how often the tree is scanned
//   start_at: beginning | end       without a checkpoint: read what is there, or only new files
//   ignore_older: 30d               skip files whose mtime is older (default: none skipped)
//   batch_size: 500                 records per pipeline batch
//   max_attempts: 3                 reads of an unchanged, unreadable file before it is skipped
// A file is read whole before any record is emitted; one that does not read completely (still
// being written) is retried at the next scan. It is checkpointed as done only after every batch
// of it is committed, so a restart neither re-emits nor skips a file.
struct CloudTrailDirOptions {
  std::string dir;
  std::chrono::milliseconds poll_interval{10000};
  bool start_at_end = false;
  std::optional<std::chrono::milliseconds> ignore_older;
  size_t batch_size = 500;
  int max_attempts = 3;
};

class CloudTrailDirCollector : public Collector {
 public:
  CloudTrailDirCollector(std::shared_ptr<const InputInfo> input, CloudTrailDirOptions options,
                         const std::string& state_dir);
  ~CloudTrailDirCollector() override;

  const std::string& name() const override { return input_->name; }
  void start(BatchConsumer& out) override;
  void stop() override;
  void flush_checkpoints() override;

  // One scan of the tree: reads and emits every new complete file. Exposed for tests; start()
  // calls it every poll_interval. Returns false when the pipeline shut down.
  bool scan_once(BatchConsumer& out);
  // Files checkpointed as done (relative to dir), for tests.
  size_t done_count() const;

 private:
  struct Failure {
    uintmax_t size = 0;
    int64_t mtime_ns = 0;
    int attempts = 0;
    bool given_up = false;
  };
  void run(BatchConsumer* out);
  bool process_file(BatchConsumer& out, const std::string& rel, uintmax_t size, int64_t mtime_ns);
  void mark_done(const std::string& rel);
  bool is_done(const std::string& rel) const;
  void load_checkpoint();
  void save_checkpoint(bool force);
  std::string encode_state() const;

  std::shared_ptr<const InputInfo> input_;
  CloudTrailDirOptions options_;
  ObjectEmitter emitter_;
  CursorStore store_;

  mutable std::mutex mu_;  // guards done_ and dirty_ (completions arrive on pipeline threads)
  std::map<std::string, std::set<std::string>> done_;  // directory → file names
  bool dirty_ = false;
  bool fresh_start_ = false;  // no checkpoint was found at start

  std::mutex save_mu_;
  std::chrono::steady_clock::time_point last_save_{};

  std::set<std::string> in_flight_;  // collector thread only
  std::map<std::string, Failure> failures_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

std::unique_ptr<Collector> make_cloudtrail_dir_collector(const InputConfig& config,
                                                         const CollectorContext& context,
                                                         Diagnostics& diags);

}  // namespace tripline
