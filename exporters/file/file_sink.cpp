#include "exporters/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "config/yaml_map.h"
#include "core/log.h"
#include "exporters/delivery/spooled_sink.h"
#include "exporters/fd_writer.h"

namespace tripline {

FileTransport::FileTransport(std::string name, std::string path, Fsync fsync,
                             std::chrono::milliseconds interval)
    : name_(std::move(name)), path_(std::move(path)), fsync_(fsync), fsync_interval_(interval) {}

FileTransport::~FileTransport() { close(); }

std::unique_ptr<Sink> create_file_sink(const OutputConfig& config, const SinkContext& context,
                                       Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  std::string path;
  m.get("path", path, true);
  std::string fsync = "interval";
  m.get_enum("fsync", fsync, {"always", "interval", "never"});
  std::chrono::milliseconds interval{1000};
  m.get_duration("fsync_interval", interval);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  std::filesystem::path p(path);
  if (p.is_relative() && !context.config_dir.empty()) p = context.config_dir / p;
  const auto policy = fsync == "always"   ? FileTransport::Fsync::kAlways
                      : fsync == "never" ? FileTransport::Fsync::kNever
                                         : FileTransport::Fsync::kInterval;
  return make_spooled_sink(
      config, context, delivery,
      std::make_unique<FileTransport>(config.name, p.string(), policy, interval), diags);
}

bool FileTransport::ensure_open() {
  if (fd_ >= 0) {
    // Reopen when the file was moved or deleted under us (log rotation).
    struct stat by_fd {}, by_path {};
    if (::fstat(fd_, &by_fd) == 0 && ::stat(path_.c_str(), &by_path) == 0 &&
        by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev) {
      return true;
    }
    ::close(fd_);
    fd_ = -1;
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    if (!open_failed_logged_) {
      log::error("cannot open alert file",
                 {{"sink", name_}, {"path", path_}, {"error", std::strerror(errno)}});
      open_failed_logged_ = true;
    }
    return false;
  }
  open_failed_logged_ = false;
  terminate_torn_record();
  return true;
}

// A crash in the middle of a write leaves a partial last line; closing it with a newline keeps
// the next record parseable (the torn one is re-delivered, as its batch was never committed).
void FileTransport::terminate_torn_record() {
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size <= 0) return;
  char last = '\n';
  if (::pread(fd_, &last, 1, size - 1) == 1 && last != '\n') write_all(fd_, "\n");
}

SendResult FileTransport::send(std::span<const Alert> alerts) {
  if (!ensure_open()) return SendResult::retry("cannot open " + path_);
  std::string buffer;
  for (const Alert& a : alerts) {
    buffer += a.to_json();
    buffer.push_back('\n');
  }
  if (!write_all(fd_, buffer)) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return SendResult::retry("write " + path_ + ": " + error);
  }
  dirty_ = true;
  const auto now = std::chrono::steady_clock::now();
  if (fsync_ == Fsync::kAlways ||
      (fsync_ == Fsync::kInterval && now - last_sync_ >= fsync_interval_)) {
    if (::fdatasync(fd_) != 0) return SendResult::retry("fsync " + path_ + ": " + std::strerror(errno));
    dirty_ = false;
    last_sync_ = now;
  }
  return SendResult::ok();
}

void FileTransport::tick(std::chrono::steady_clock::time_point now) {
  // Bounds how long written lines stay unsynced when alerts stop coming.
  if (dirty_ && fd_ >= 0 && fsync_ == Fsync::kInterval && now - last_sync_ >= fsync_interval_) {
    ::fdatasync(fd_);
    dirty_ = false;
    last_sync_ = now;
  }
}

void FileTransport::close() {
  if (fd_ >= 0) {
    if (fsync_ != Fsync::kNever) ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace tripline
