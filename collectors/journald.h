#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collectors/cloud/cursor_store.h"
#include "collectors/collector_registry.h"
#include "collectors/commit_tracker.h"
#include "collectors/parsers/sshd_parser.h"

namespace prometheus {
class Counter;
}

namespace tripline {

// `type: journald`. Reads the systemd journal with libsystemd's sd-journal. Keys
// (docs/inputs.md):
//   directory: /var/log/journal/<machine-id>   a journal directory (default: the local system
//                                               journal, runtime and persistent)
//   files: [a.journal, ...]                     or these journal files
//   matches: ["_SYSTEMD_UNIT=ssh.service"]      sd-journal matches: the same field ORs, different
//                                               fields AND
//   start_at: end | beginning                   without a checkpoint (default: end)
//   batch_size: 500
// Each entry becomes a text event whose raw bytes are its MESSAGE, with the fields message,
// host.hostname, process.name (SYSLOG_IDENTIFIER, else _COMM), process.pid, systemd.unit,
// syslog.priority/severity/facility, journald.transport. Messages of sshd go through the sshd
// parser (logsource linux/sshd); PAM messages of other programs get the PAM fields. The default
// logsource is linux/syslog.
// The journal cursor of the last committed entry is checkpointed (<state_dir>/checkpoints/
// <input>.json) only after its batch is committed; a restart resumes after it.
class JournaldCollector : public Collector {
 public:
  struct Options {
    std::string directory;
    std::vector<std::string> files;
    std::vector<std::string> matches;
    bool start_at_end = true;
    size_t batch_size = 500;
    std::chrono::milliseconds flush_interval{250};  // a partial batch waits at most this long
  };

  JournaldCollector(std::shared_ptr<const InputInfo> input, Options options,
                    const std::string& state_dir);
  ~JournaldCollector() override;

  const std::string& name() const override { return input_->name; }
  void start(BatchConsumer& out) override;
  void stop() override;
  void flush_checkpoints() override;

  // The committed cursor (empty before any commit); for tests.
  std::string committed_cursor() const;

 private:
  void run(BatchConsumer* out);
  void commit(uint64_t seq, const std::string& cursor);

  std::shared_ptr<const InputInfo> input_;
  Options options_;
  CursorStore store_;
  SshdParser sshd_;
  prometheus::Counter& events_;
  prometheus::Counter& read_errors_;

  mutable std::mutex mu_;  // commits arrive on pipeline threads
  CommitTracker tracker_;  // over batch sequence numbers
  std::map<uint64_t, std::string> batch_cursors_;  // end sequence → cursor of its last entry
  std::string committed_cursor_;
  bool dirty_ = false;
  std::string initial_cursor_;
  std::mutex save_mu_;  // the collector thread saves periodically, the agent on shutdown

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

std::unique_ptr<Collector> make_journald_collector(const InputConfig& config,
                                                   const CollectorContext& context,
                                                   Diagnostics& diags);

}  // namespace tripline
