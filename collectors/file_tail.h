#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "collectors/collector_registry.h"
#include "collectors/parsers/parser.h"
#include "collectors/tail/batch_builder.h"
#include "collectors/tail/file_set.h"
#include "collectors/tail/file_watcher.h"
#include "collectors/tail/progress_table.h"
#include "collectors/tail/tail_options.h"

namespace prometheus {
class Counter;
class Gauge;
}  // namespace prometheus

namespace tripline {

// `type: file`: follows the files matched by globs, line by line, through rename and copytruncate
// rotation and truncation, and checkpoints per-file positions that advance only when the
// pipeline acknowledges a batch. One reader thread per input (plus one that writes checkpoints).
//
// Guarantees: every byte of a followed file is read once per run; a rotated file is read to its
// end before it is let go; a line is emitted only once its newline arrived (or its file is gone
// for good); after a crash, restart re-delivers at most the unacknowledged batches and skips
// nothing.
class FileTailCollector : public Collector {
 public:
  FileTailCollector(std::shared_ptr<const InputInfo> input, TailOptions options,
                    std::unique_ptr<Parser> parser, std::string state_dir);
  ~FileTailCollector() override;

  const std::string& name() const override { return input_->name; }
  void start(BatchConsumer& out) override;
  void stop() override;
  void flush_checkpoints() override;

  std::string checkpoint_file() const;

 private:
  void run();
  // Reads what `file` has up to a per-round budget; true when more is waiting.
  bool read_file(TailedFile& file);
  void emit(TailedFile& file, const LineFramer::Line& line, TimePoint now);
  bool flush_batch();
  std::chrono::milliseconds wait_timeout(SteadyClock::time_point next_rescan) const;

  std::shared_ptr<const InputInfo> input_;
  TailOptions options_;
  std::unique_ptr<Parser> parser_;
  std::string state_dir_;

  prometheus::Counter& events_metric_;
  prometheus::Counter& parse_errors_metric_;
  prometheus::Counter& truncated_metric_;
  // Parse errors are logged by position, never by content (the line may carry identifiers the
  // privacy policy hides): the first one, then at most one a minute with the count in between.
  std::chrono::steady_clock::time_point parse_error_logged_at_{};
  uint64_t parse_errors_since_log_ = 0;
  prometheus::Gauge& lag_metric_;

  // Set up by start().
  BatchConsumer* out_ = nullptr;
  std::shared_ptr<ProgressTable> table_;
  std::unique_ptr<FileSet> files_;
  std::unique_ptr<FileWatcher> watcher_;
  std::unique_ptr<BatchBuilder> builder_;
  std::vector<char> buffer_;

  std::atomic<bool> stopping_{false};
  bool halted_ = false;  // the pipeline refused a batch: it is shutting down
  std::thread reader_;

  std::thread checkpoint_thread_;  // runs table_->run_writer()
};

// The factory registered as "file".
std::unique_ptr<Collector> make_file_tail_collector(const InputConfig& input,
                                                    const CollectorContext& context,
                                                    Diagnostics& diags);

}  // namespace tripline
