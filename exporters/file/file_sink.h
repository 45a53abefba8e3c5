#pragma once
#include <chrono>
#include <string>

#include "exporters/sink.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: file`: alerts as JSON lines appended to a file.
//   path: /var/log/tripline/alerts.jsonl   (required; parent directories are created)
//   fsync: always | interval | never       (default interval)
//   fsync_interval: 1s
// deliver() returns once the lines are written to the kernel (and fsynced when the policy says
// so); a crash of the agent after that loses nothing, a power loss at most one interval.
class FileSink : public Sink {
 public:
  enum class Fsync { kAlways, kInterval, kNever };

  FileSink(std::string name, std::string path, Fsync fsync, std::chrono::milliseconds interval);
  ~FileSink() override;

  static std::unique_ptr<Sink> create(const OutputConfig& config, const SinkContext& context,
                                      Diagnostics& diags);

  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert> alerts) override;
  void close() override;

 private:
  bool ensure_open();
  void terminate_torn_record();

  std::string name_;
  std::string path_;
  Fsync fsync_;
  std::chrono::milliseconds fsync_interval_;
  std::chrono::steady_clock::time_point last_sync_{};
  int fd_ = -1;
  bool open_failed_logged_ = false;
};

}  // namespace tripline
