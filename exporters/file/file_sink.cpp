#include "exporters/file/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "config/yaml_map.h"
#include "core/log.h"
#include "core/metrics.h"
#include "exporters/fd_writer.h"

namespace tripline {

FileSink::FileSink(std::string name, std::string path, Fsync fsync,
                   std::chrono::milliseconds interval)
    : name_(std::move(name)), path_(std::move(path)), fsync_(fsync), fsync_interval_(interval) {}

FileSink::~FileSink() { close(); }

std::unique_ptr<Sink> FileSink::create(const OutputConfig& config, const SinkContext& context,
                                       Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  std::string path;
  m.get("path", path, true);
  std::string fsync = "interval";
  m.get_enum("fsync", fsync, {"always", "interval", "never"});
  std::chrono::milliseconds interval{1000};
  m.get_duration("fsync_interval", interval);
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  std::filesystem::path p(path);
  if (p.is_relative() && !context.config_dir.empty()) p = context.config_dir / p;
  const Fsync policy = fsync == "always"   ? Fsync::kAlways
                       : fsync == "never" ? Fsync::kNever
                                          : Fsync::kInterval;
  return std::make_unique<FileSink>(config.name, p.string(), policy, interval);
}

bool FileSink::ensure_open() {
  if (fd_ >= 0) return true;
  std::error_code ec;
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    if (!open_failed_logged_) {
      log::error("cannot open alert file", {{"sink", name_}, {"path", path_},
                                            {"error", std::strerror(errno)}});
      open_failed_logged_ = true;
    }
    return false;
  }
  open_failed_logged_ = false;
  terminate_torn_record();
  return true;
}

// A crash in the middle of a write leaves a partial last line; closing it with a newline keeps
// the next record parseable (the torn one is re-delivered, as its batch was never acknowledged).
void FileSink::terminate_torn_record() {
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size <= 0) return;
  char last = '\n';
  if (::pread(fd_, &last, 1, size - 1) == 1 && last != '\n') write_all(fd_, "\n");
}

bool FileSink::deliver(std::span<const Alert> alerts) {
  if (alerts.empty()) return true;
  if (!ensure_open()) {
    Metrics::global().sink_failures(name_).Increment();
    return false;
  }
  std::string buffer;
  for (const Alert& a : alerts) {
    buffer += a.to_json();
    buffer.push_back('\n');
  }
  if (!write_all(fd_, buffer)) {
    log::error("alert file write failed", {{"sink", name_}, {"error", std::strerror(errno)}});
    Metrics::global().sink_failures(name_).Increment();
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  const auto now = std::chrono::steady_clock::now();
  if (fsync_ == Fsync::kAlways ||
      (fsync_ == Fsync::kInterval && now - last_sync_ >= fsync_interval_)) {
    if (::fdatasync(fd_) != 0) {
      Metrics::global().sink_failures(name_).Increment();
      return false;
    }
    last_sync_ = now;
  }
  Metrics::global().sink_sent(name_).Increment(static_cast<double>(alerts.size()));
  return true;
}

void FileSink::close() {
  if (fd_ >= 0) {
    if (fsync_ != Fsync::kNever) ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace tripline
