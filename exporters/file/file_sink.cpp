#include "exporters/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "config/yaml_map.h"
#include "core/log.h"
#include "exporters/delivery/spooled_sink.h"
#include "exporters/fd_writer.h"
#include "exporters/file/chain.h"

namespace tripline {

FileTransport::FileTransport(std::string name, std::string path, Fsync fsync,
                             std::chrono::milliseconds interval, bool chain)
    : name_(std::move(name)),
      path_(std::move(path)),
      fsync_(fsync),
      fsync_interval_(interval),
      chain_(chain) {}

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
  bool chain = false;
  m.get("chain", chain);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  std::filesystem::path p(path);
  if (p.is_relative() && !context.config_dir.empty()) p = context.config_dir / p;
  const auto policy = fsync == "always"  ? FileTransport::Fsync::kAlways
                      : fsync == "never" ? FileTransport::Fsync::kNever
                                         : FileTransport::Fsync::kInterval;
  return make_spooled_sink(
      config, context, delivery,
      std::make_unique<FileTransport>(config.name, p.string(), policy, interval, chain), diags);
}

bool FileTransport::ensure_open() {
  if (fd_ >= 0) {
    // Reopen when the file was moved or deleted under us (log rotation).
    struct stat by_fd {
    }, by_path{};
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
  if (!chain_) {
    terminate_torn_record();
    return true;
  }
  if (!resume_chain()) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

namespace {

// Offset of the last '\n' before `end` in the file, -1 when there is none. False on read errors.
bool last_newline_before(int fd, off_t end, off_t& found) {
  char block[16 * 1024];
  found = -1;
  while (end > 0) {
    const off_t n = std::min<off_t>(end, static_cast<off_t>(sizeof block));
    end -= n;
    if (::pread(fd, block, static_cast<size_t>(n), end) != n) return false;
    for (off_t i = n - 1; i >= 0; --i) {
      if (block[i] == '\n') {
        found = end + i;
        return true;
      }
    }
  }
  return true;
}

}  // namespace

bool FileTransport::resume_chain() {
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  off_t last_nl = -1;
  if (size < 0 || !last_newline_before(fd_, size, last_nl)) return false;
  if (last_nl + 1 < size) {
    if (::ftruncate(fd_, last_nl + 1) != 0) return false;
    log::warn("chained alert file ended in a torn record; cut it off (it is written again)",
              {{"sink", name_}, {"path", path_}, {"bytes", std::to_string(size - last_nl - 1)}});
  }
  if (last_nl < 0) {
    // An empty file: a rotated-away predecessor written by this process, else a new chain.
    if (chain_head_.empty()) chain_head_ = chain_genesis_hash();
    return true;
  }
  off_t prev_nl = -1;
  if (!last_newline_before(fd_, last_nl, prev_nl)) return false;
  std::string line(static_cast<size_t>(last_nl - prev_nl - 1), '\0');
  if (::pread(fd_, line.data(), line.size(), prev_nl + 1) != static_cast<ssize_t>(line.size())) {
    return false;
  }
  chain_head_ = chain_record_hash(line);
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
  std::string head = chain_head_;
  for (const Alert& a : alerts) {
    if (chain_) {
      std::string line = chain_link(a.to_json(), head);
      head = chain_record_hash(line);
      buffer += line;
    } else {
      buffer += a.to_json();
    }
    buffer.push_back('\n');
  }
  if (!write_all(fd_, buffer)) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    // The next open takes the chain head from what actually reached the file.
    return SendResult::retry("write " + path_ + ": " + error);
  }
  chain_head_ = std::move(head);
  dirty_ = true;
  const auto now = std::chrono::steady_clock::now();
  if (fsync_ == Fsync::kAlways ||
      (fsync_ == Fsync::kInterval && now - last_sync_ >= fsync_interval_)) {
    if (::fdatasync(fd_) != 0)
      return SendResult::retry("fsync " + path_ + ": " + std::strerror(errno));
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
    // The self-log (journald, shipped elsewhere) keeps the head out of reach of whoever can
    // rewrite the file: a rewritten chain no longer ends in the head logged here.
    if (chain_ && !chain_head_.empty()) {
      log::info("chained alert file closed",
                {{"sink", name_}, {"path", path_}, {"head_sha256", chain_head_}});
    }
  }
}

}  // namespace tripline
