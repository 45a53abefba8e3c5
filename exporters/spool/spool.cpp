#include "exporters/spool/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/log.h"
#include "core/metrics.h"
#include "exporters/exporter_metrics.h"
#include "exporters/fd_writer.h"

namespace tripline {
namespace {

constexpr uint32_t kMagic = 0x31505254;  // "TRP1" little-endian
constexpr uint32_t kCursorMagic = 0x43505254;
constexpr size_t kHeader = 12;
constexpr uint32_t kMaxRecord = 64u << 20;

void put_u32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_u64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint32_t crc_of(const char* data, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; records are capped far below 4 GiB.
  return static_cast<uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(data),
                                     static_cast<uInt>(n)));
}

bool pread_all(int fd, char* buf, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

enum class RecordCheck { kOk, kTruncated, kBad };

// Validates the record at `off` of a segment of `size` bytes; on kOk fills `payload` (when given)
// and `next`.
RecordCheck check_record(int fd, uint64_t off, uint64_t size, std::string* payload,
                         uint64_t& next) {
  if (size - off < kHeader) return RecordCheck::kTruncated;
  char hdr[kHeader];
  if (!pread_all(fd, hdr, kHeader, off)) return RecordCheck::kBad;
  if (get_u32(hdr) != kMagic) return RecordCheck::kBad;
  const uint32_t len = get_u32(hdr + 4);
  if (len > kMaxRecord) return RecordCheck::kBad;
  if (off + kHeader + len > size) return RecordCheck::kTruncated;
  std::string local;
  std::string& body = payload ? *payload : local;
  body.resize(len);
  if (len > 0 && !pread_all(fd, body.data(), len, off + kHeader)) return RecordCheck::kBad;
  if (crc_of(body.data(), len) != get_u32(hdr + 8)) return RecordCheck::kBad;
  next = off + kHeader + len;
  return RecordCheck::kOk;
}

// Offset of the next valid record after a bad one at `off`, or `size` when none follows.
uint64_t resync(int fd, uint64_t off, uint64_t size) {
  const size_t chunk = 1 << 16;
  std::string buf;
  uint64_t base = off + 1;
  while (base + kHeader <= size) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk + 3, size - base));
    buf.resize(n);
    if (!pread_all(fd, buf.data(), n, base)) return size;
    for (size_t i = 0; i + 4 <= n; ++i) {
      if (get_u32(buf.data() + i) != kMagic) continue;
      uint64_t next = 0;
      if (check_record(fd, base + i, size, nullptr, next) == RecordCheck::kOk) return base + i;
    }
    if (n <= 3) break;
    base += n - 3;
  }
  return size;
}

bool fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Spool::Spool(std::string dir, std::string sink, const SpoolOptions& options)
    : dir_(std::move(dir)),
      sink_(std::move(sink)),
      options_(options),
      bytes_gauge_(Metrics::global().spool_bytes(sink_)),
      records_gauge_(ExporterMetrics::spool_records(sink_)),
      dropped_counter_(Metrics::global().spool_dropped(sink_)),
      corrupt_counter_(ExporterMetrics::spool_corrupt(sink_)),
      write_errors_counter_(ExporterMetrics::spool_write_errors(sink_)) {}

Spool::~Spool() {
  std::lock_guard lock(mu_);
  maybe_sync_locked(true);
  if (head_fd_ >= 0) ::close(head_fd_);
  if (cursor_fd_ >= 0) ::close(cursor_fd_);
  if (cached_read_fd_ >= 0) ::close(cached_read_fd_);
}

std::unique_ptr<Spool> Spool::open(const std::string& dir, const std::string& sink,
                                   const SpoolOptions& options, std::string& error) {
  std::unique_ptr<Spool> spool(new Spool(dir, sink, options));
  std::lock_guard lock(spool->mu_);
  if (!spool->recover(error)) return nullptr;
  return spool;
}

std::string Spool::segment_path(uint64_t seq) const {
  char name[48];
  std::snprintf(name, sizeof name, "seg-%020" PRIu64 ".log", seq);
  return dir_ + "/" + name;
}

bool Spool::recover(std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    error = "cannot create spool directory " + dir_ + ": " + ec.message();
    return false;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    uint64_t seq = 0;
    char tail[8] = {};
    if (name.size() == 28 && std::sscanf(name.c_str(), "seg-%20" SCNu64 ".%3s", &seq, tail) == 2 &&
        std::string(tail) == "log") {
      segments_[seq].size = static_cast<uint64_t>(entry.file_size(ec));
    }
  }
  if (ec) {
    error = "cannot list spool directory " + dir_ + ": " + ec.message();
    return false;
  }

  const std::string cursor_path = dir_ + "/cursor";
  cursor_fd_ = ::open(cursor_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (cursor_fd_ < 0) {
    error = "cannot open " + cursor_path + ": " + std::strerror(errno);
    return false;
  }
  char cur[24];
  bool cursor_ok = false;
  if (pread_all(cursor_fd_, cur, sizeof cur, 0) && get_u32(cur) == kCursorMagic &&
      crc_of(cur, 20) == get_u32(cur + 20)) {
    read_pos_ = {get_u64(cur + 4), get_u64(cur + 12)};
    cursor_ok = true;
  }
  if (!cursor_ok && !segments_.empty()) {
    // Without a readable cursor everything still on disk is delivered again (at-least-once).
    read_pos_ = {segments_.begin()->first, 0};
  }

  // Segments wholly before the cursor were delivered.
  for (auto it = segments_.begin(); it != segments_.end();) {
    if (it->first < read_pos_.seq) {
      ::unlink(segment_path(it->first).c_str());
      it = segments_.erase(it);
    } else {
      ++it;
    }
  }
  if (!segments_.empty() && segments_.begin()->first > read_pos_.seq) {
    read_pos_ = {segments_.begin()->first, 0};
  }

  // Scan what is left: count records, truncate torn tails, note corrupt regions.
  uint64_t corrupt_regions = 0;
  for (auto& [seq, seg] : segments_) {
    const int fd = ::open(segment_path(seq).c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      log::warn("spool segment unreadable; skipped",
                {{"sink", sink_}, {"segment", segment_path(seq)}, {"error", std::strerror(errno)}});
      seg.size = 0;
      continue;
    }
    uint64_t off = seq == read_pos_.seq ? std::min(read_pos_.off, seg.size) : 0;
    while (off < seg.size) {
      uint64_t next = 0;
      const RecordCheck r = check_record(fd, off, seg.size, nullptr, next);
      if (r == RecordCheck::kOk) {
        ++pending_records_;
        off = next;
        continue;
      }
      const uint64_t valid = resync(fd, off, seg.size);
      // Only the newest segment can end in a write cut short by a crash: older ones were complete
      // (and synced) before the next was begun, so a short record there is damage.
      if (r == RecordCheck::kTruncated && valid == seg.size && seq == segments_.rbegin()->first) {
        // A write cut short by a crash: it was never acknowledged, so drop the partial bytes.
        if (::ftruncate(fd, static_cast<off_t>(off)) == 0) seg.size = off;
        log::info("spool: truncated a torn record at the end of a segment",
                  {{"sink", sink_}, {"segment", segment_path(seq)}});
        break;
      }
      ++corrupt_regions;
      off = valid;
    }
    ::close(fd);
  }
  if (corrupt_regions > 0) {
    log::warn("spool holds corrupt records; they will be skipped",
              {{"sink", sink_}, {"dir", dir_}, {"regions", std::to_string(corrupt_regions)}});
  }

  // Appends always go to a fresh segment: an old head may end in bytes we just cut.
  const uint64_t next_seq = segments_.empty() ? std::max<uint64_t>(read_pos_.seq, 1)
                                              : segments_.rbegin()->first + 1;
  if (!open_head(next_seq, error)) return false;
  if (segments_.size() == 1 || read_pos_.seq > next_seq) read_pos_ = {next_seq, 0};
  normalize(read_pos_);
  take_pos_ = inflight_end_ = read_pos_;
  remove_consumed_locked();
  write_cursor_locked();
  update_gauges_locked();
  last_sync_ = std::chrono::steady_clock::now();
  return true;
}

bool Spool::open_head(uint64_t seq, std::string& error) {
  const std::string path = segment_path(seq);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot create spool segment " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  ::fstat(fd, &st);
  if (head_fd_ >= 0) ::close(head_fd_);
  head_fd_ = fd;
  head_seq_ = seq;
  segments_[seq].size = static_cast<uint64_t>(st.st_size);
  if (options_.fsync == SpoolOptions::Fsync::kAlways) fsync_dir(dir_);
  return true;
}

int Spool::read_fd(uint64_t seq) {
  if (cached_read_fd_ >= 0 && cached_read_seq_ == seq) return cached_read_fd_;
  if (cached_read_fd_ >= 0) ::close(cached_read_fd_);
  cached_read_fd_ = ::open(segment_path(seq).c_str(), O_RDONLY | O_CLOEXEC);
  cached_read_seq_ = seq;
  return cached_read_fd_;
}

void Spool::normalize(Pos& pos) const {
  while (pos.seq != head_seq_) {
    auto it = segments_.find(pos.seq);
    if (it != segments_.end() && pos.off < it->second.size) return;
    auto next = segments_.upper_bound(pos.seq);
    if (next == segments_.end()) return;
    pos = {next->first, 0};
  }
}

uint64_t Spool::bytes_between(const Pos& a, const Pos& b) const {
  uint64_t total = 0;
  for (auto it = segments_.lower_bound(a.seq); it != segments_.end() && it->first <= b.seq; ++it) {
    const uint64_t from = it->first == a.seq ? std::min(a.off, it->second.size) : 0;
    const uint64_t to = it->first == b.seq ? std::min(b.off, it->second.size) : it->second.size;
    if (to > from) total += to - from;
  }
  return total;
}

uint64_t Spool::pending_bytes_locked() const {
  const Pos end{head_seq_, segments_.at(head_seq_).size};
  uint64_t total = bytes_between(read_pos_, end);
  // Records dropped past the in-flight batch leave the disk only at commit; they no longer count.
  if (inflight_) total -= bytes_between(inflight_end_, take_pos_);
  return total;
}

Spool::Read Spool::read_record(Pos& pos, std::string* payload) {
  for (;;) {
    normalize(pos);
    auto it = segments_.find(pos.seq);
    if (it == segments_.end() || pos.off >= it->second.size) return Read::kEnd;
    const uint64_t size = it->second.size;
    const int fd = read_fd(pos.seq);
    uint64_t next = 0;
    const RecordCheck r = fd < 0 ? RecordCheck::kBad
                                 : check_record(fd, pos.off, size, payload, next);
    if (r == RecordCheck::kOk) {
      pos.off = next;
      return Read::kRecord;
    }
    const uint64_t valid = fd < 0 ? size : resync(fd, pos.off, size);
    ++corrupt_;
    corrupt_counter_.Increment();
    log::warn("spool: skipped a corrupt record",
              {{"sink", sink_}, {"segment", segment_path(pos.seq)},
               {"offset", std::to_string(pos.off)}, {"bytes", std::to_string(valid - pos.off)}});
    pos.off = valid;
  }
}

bool Spool::waiting_locked() const {
  Pos p = take_pos_;
  normalize(p);
  auto it = segments_.find(p.seq);
  return it != segments_.end() && p.off < it->second.size;
}

bool Spool::drop_oldest_locked() {
  if (read_record(take_pos_, nullptr) != Read::kRecord) return false;
  ++dropped_;
  dropped_counter_.Increment();
  if (pending_records_ > 0) --pending_records_;
  if (!inflight_) read_pos_ = inflight_end_ = take_pos_;
  return true;
}

SpoolAppendResult Spool::append(std::span<const std::string> payloads) {
  SpoolAppendResult result;
  if (payloads.empty()) return result;
  std::lock_guard lock(mu_);
  uint64_t need = 0;
  for (const auto& p : payloads) need += kHeader + p.size();
  uint64_t pending = pending_bytes_locked();
  size_t accept = payloads.size();
  bool dropped_oldest = false;

  if (pending + need > options_.max_bytes) {
    switch (options_.overflow) {
      case SpoolOptions::Overflow::kBlock:
        // An empty spool takes any batch, so one batch larger than the cap cannot wedge the sink.
        if (pending > 0) {
          if (!full_logged_) {
            log::warn("spool full; holding the pipeline until the sink catches up",
                      {{"sink", sink_}, {"max_bytes", std::to_string(options_.max_bytes)}});
            full_logged_ = true;
          }
          result.status = SpoolAppendResult::Status::kFull;
          return result;
        }
        break;
      case SpoolOptions::Overflow::kDropNewest: {
        uint64_t used = pending;
        accept = 0;
        while (accept < payloads.size() &&
               used + kHeader + payloads[accept].size() <= options_.max_bytes) {
          used += kHeader + payloads[accept].size();
          ++accept;
        }
        break;
      }
      case SpoolOptions::Overflow::kDropOldest: {
        while (pending + need > options_.max_bytes && drop_oldest_locked()) {
          dropped_oldest = true;
          pending = pending_bytes_locked();
        }
        // What the in-flight batch still occupies cannot be dropped: refuse the newest instead.
        uint64_t used = pending;
        accept = 0;
        while (accept < payloads.size() &&
               used + kHeader + payloads[accept].size() <= options_.max_bytes) {
          used += kHeader + payloads[accept].size();
          ++accept;
        }
        break;
      }
    }
    if (!full_logged_) {
      log::warn("spool full; dropping alerts per overflow policy",
                {{"sink", sink_}, {"max_bytes", std::to_string(options_.max_bytes)}});
      full_logged_ = true;
    }
  } else {
    full_logged_ = false;
  }

  if (accept > 0 && !write_records(payloads, accept)) {
    result.status = SpoolAppendResult::Status::kIoError;
    if (dropped_oldest) write_cursor_locked();
    update_gauges_locked();
    return result;
  }
  const size_t refused = payloads.size() - accept;
  if (refused > 0) {
    dropped_ += refused;
    dropped_counter_.Increment(static_cast<double>(refused));
  }
  result.stored = accept;
  result.dropped = refused;
  pending_records_ += accept;
  if (dropped_oldest) {
    remove_consumed_locked();
    write_cursor_locked();
  }
  maybe_sync_locked(options_.fsync == SpoolOptions::Fsync::kAlways);
  update_gauges_locked();
  if (accept > 0) cv_.notify_all();
  return result;
}

bool Spool::write_records(std::span<const std::string> payloads, size_t count) {
  // A batch is stored whole or not at all: the caller retries all of it after a failure, and a
  // part left behind would be delivered twice.
  const uint64_t start_seq = head_seq_;
  const uint64_t start_size = segments_[head_seq_].size;
  std::string buffer;
  std::string error;
  size_t i = 0;
  while (i < count) {
    Segment& head = segments_[head_seq_];
    const uint64_t rec = kHeader + payloads[i].size();
    // A record never waits for a fresh segment: an empty one takes it whatever its size.
    const uint64_t filled = head.size + buffer.size();
    if (filled > 0 && filled + rec > options_.segment_bytes) {
      if (!buffer.empty()) {
        if (!write_all(head_fd_, buffer)) {
          error = std::strerror(errno);
          break;
        }
        head.size += buffer.size();
        buffer.clear();
      }
      ::fdatasync(head_fd_);
      if (!open_head(head_seq_ + 1, error)) {
        error = "cannot rotate segment: " + error;
        break;
      }
      continue;
    }
    char hdr[kHeader];
    put_u32(hdr, kMagic);
    put_u32(hdr + 4, static_cast<uint32_t>(payloads[i].size()));
    put_u32(hdr + 8, crc_of(payloads[i].data(), payloads[i].size()));
    buffer.append(hdr, kHeader);
    buffer.append(payloads[i]);
    ++i;
  }
  if (error.empty() && !write_all(head_fd_, buffer)) error = std::strerror(errno);
  if (!error.empty()) {
    roll_back_locked(start_seq, start_size);
    note_write_failure(error);
    return false;
  }
  segments_[head_seq_].size += buffer.size();
  dirty_ = true;
  if (write_failing_) {
    write_failing_ = false;
    log::info("spool writes succeed again", {{"sink", sink_}, {"dir", dir_}});
  }
  return true;
}

void Spool::roll_back_locked(uint64_t seq, uint64_t size) {
  // Segments begun by the failed write hold nothing else (and no reader saw them: the mutex is
  // held throughout).
  while (head_seq_ > seq) {
    ::close(head_fd_);
    head_fd_ = -1;
    if (cached_read_fd_ >= 0 && cached_read_seq_ == head_seq_) {
      ::close(cached_read_fd_);
      cached_read_fd_ = -1;
    }
    ::unlink(segment_path(head_seq_).c_str());
    segments_.erase(head_seq_);
    --head_seq_;
  }
  std::string error;
  if (head_fd_ < 0 && !open_head(seq, error)) {
    log::error("spool: cannot reopen the head segment", {{"sink", sink_}, {"error", error}});
    return;
  }
  // Cut back to the last whole write so no half record is left for the reader.
  if (::ftruncate(head_fd_, static_cast<off_t>(size)) != 0) {
    log::error("spool: cannot truncate a failed write", {{"sink", sink_}});
  }
  segments_[seq].size = size;
}

void Spool::note_write_failure(const std::string& error) {
  write_errors_counter_.Increment();
  // The caller retries the same alerts until space returns: one error per outage, not per try.
  if (write_failing_) return;
  write_failing_ = true;
  log::error("spool write failed; alerts are held upstream and retried",
             {{"sink", sink_}, {"dir", dir_}, {"error", error}});
}

void Spool::maybe_sync_locked(bool force) {
  if (!dirty_ || head_fd_ < 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_sync_ < options_.fsync_interval) return;
  ::fdatasync(head_fd_);
  dirty_ = false;
  last_sync_ = now;
}

void Spool::sync() {
  std::lock_guard lock(mu_);
  maybe_sync_locked(true);
}

bool Spool::take(size_t max_records, uint64_t max_bytes, std::vector<std::string>& out) {
  std::lock_guard lock(mu_);
  out.clear();
  if (inflight_) return false;
  uint64_t bytes = 0;
  Pos pos = take_pos_;
  while (out.size() < max_records && (out.empty() || bytes < max_bytes)) {
    std::string payload;
    if (read_record(pos, &payload) != Read::kRecord) break;
    bytes += payload.size();
    out.push_back(std::move(payload));
  }
  if (out.empty()) {
    // Only corrupt bytes were ahead: they are consumed.
    if (!(take_pos_ == pos)) {
      read_pos_ = take_pos_ = inflight_end_ = pos;
      remove_consumed_locked();
      write_cursor_locked();
      update_gauges_locked();
    }
    return false;
  }
  take_pos_ = inflight_end_ = pos;
  inflight_ = true;
  inflight_records_ = out.size();
  return true;
}

void Spool::commit() {
  std::lock_guard lock(mu_);
  if (!inflight_) return;
  inflight_ = false;
  pending_records_ -= std::min<uint64_t>(pending_records_, inflight_records_);
  inflight_records_ = 0;
  read_pos_ = inflight_end_ = take_pos_;
  normalize(read_pos_);
  remove_consumed_locked();
  write_cursor_locked();
  update_gauges_locked();
}

void Spool::remove_consumed_locked() {
  for (auto it = segments_.begin(); it != segments_.end() && it->first < read_pos_.seq;) {
    if (cached_read_fd_ >= 0 && cached_read_seq_ == it->first) {
      ::close(cached_read_fd_);
      cached_read_fd_ = -1;
    }
    ::unlink(segment_path(it->first).c_str());
    it = segments_.erase(it);
  }
}

void Spool::write_cursor_locked() {
  char cur[24];
  put_u32(cur, kCursorMagic);
  put_u64(cur + 4, read_pos_.seq);
  put_u64(cur + 12, read_pos_.off);
  put_u32(cur + 20, crc_of(cur, 20));
  // One 24-byte pwrite lands in one sector; the CRC catches anything else, and a lost cursor only
  // means replays, never losses.
  if (::pwrite(cursor_fd_, cur, sizeof cur, 0) != static_cast<ssize_t>(sizeof cur)) {
    log::warn("spool: cannot write cursor", {{"sink", sink_}, {"error", std::strerror(errno)}});
    return;
  }
  if (options_.fsync == SpoolOptions::Fsync::kAlways) ::fdatasync(cursor_fd_);
}

void Spool::update_gauges_locked() {
  bytes_gauge_.Set(static_cast<double>(pending_bytes_locked()));
  records_gauge_.Set(static_cast<double>(pending_records_));
}

bool Spool::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return woken_ || (!inflight_ && waiting_locked()); });
  woken_ = false;
  return !inflight_ && waiting_locked();
}

void Spool::wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

uint64_t Spool::pending_bytes() const {
  std::lock_guard lock(mu_);
  return pending_bytes_locked();
}
uint64_t Spool::pending_records() const {
  std::lock_guard lock(mu_);
  return pending_records_;
}
uint64_t Spool::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}
uint64_t Spool::corrupt() const {
  std::lock_guard lock(mu_);
  return corrupt_;
}

}  // namespace tripline
