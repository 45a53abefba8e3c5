#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "exporters/delivery/transport.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: file`: alerts as JSON lines appended to a file, delivered through the sink's spool.
//   path: /var/log/tripline/alerts.jsonl   (required; parent directories are created)
//   fsync: always | interval | never       (default interval; of the alert file itself)
//   fsync_interval: 1s
//   chain: false                           (true: every line carries the SHA-256 of the line
//                                           before it, see exporters/file/chain.h)
//   + the spool / retry / batch keys every sink has (docs/outputs.md)
// A failed write is retried from the spool. Before each write the file is checked against its
// path, so a file rotated away (logrotate without copytruncate) is reopened and recreated.
// Chained files: on open the chain continues from the file's last line (an agent restart); a new
// empty file continues from the last line this process wrote (rotation) or else starts at the
// genesis value. A torn last record is cut off instead of closed, so the chain has no gap.
class FileTransport : public Transport {
 public:
  enum class Fsync { kAlways, kInterval, kNever };

  FileTransport(std::string name, std::string path, Fsync fsync, std::chrono::milliseconds interval,
                bool chain = false);
  ~FileTransport() override;

  SendResult send(std::span<const Alert> alerts) override;
  void tick(std::chrono::steady_clock::time_point now) override;
  void close() override;

 private:
  bool ensure_open();
  void terminate_torn_record();
  // Chain mode: cuts a torn last record and takes the chain head from the last line.
  bool resume_chain();

  std::string name_;
  std::string path_;
  Fsync fsync_;
  std::chrono::milliseconds fsync_interval_;
  std::chrono::steady_clock::time_point last_sync_{};
  bool dirty_ = false;
  int fd_ = -1;
  bool open_failed_logged_ = false;
  bool chain_;
  std::string chain_head_;  // hash of the last line written (empty: none yet)
};

std::unique_ptr<Sink> create_file_sink(const OutputConfig& config, const SinkContext& context,
                                       Diagnostics& diags);

}  // namespace tripline
