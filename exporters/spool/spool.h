#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
}  // namespace prometheus

namespace tripline {

struct SpoolOptions {
  enum class Overflow { kBlock, kDropOldest, kDropNewest };
  enum class Fsync { kAlways, kInterval };

  uint64_t max_bytes = 256ull << 20;     // cap on undelivered bytes
  uint64_t segment_bytes = 8ull << 20;   // segment files rotate past this size
  Overflow overflow = Overflow::kBlock;
  Fsync fsync = Fsync::kInterval;
  std::chrono::milliseconds fsync_interval{1000};
};

// Outcome of Spool::append. kStored: every record is either stored or counted in `dropped` by the
// overflow policy (the caller may acknowledge). kFull (policy block): nothing was stored. kIoError:
// nothing is guaranteed stored.
struct SpoolAppendResult {
  enum class Status { kStored, kFull, kIoError };
  Status status = Status::kStored;
  size_t stored = 0;
  size_t dropped = 0;
};

// A durable FIFO of opaque records for one sink: append-only segment files
// (seg-<20 digit sequence>.log) of records framed as magic | length | CRC-32 | payload, plus a
// `cursor` file naming the first undelivered record. Producers append; one consumer takes a batch,
// delivers it and commits it; a batch taken and not committed is handed out again after a restart
// (at-least-once). Recovery truncates torn tails and skips (and counts) corrupt records; it never
// fails on bad data, only when the directory itself is unusable.
//
// Thread-safety: every method may be called from any thread; one mutex guards the state.
class Spool {
 public:
  // Opens or creates `dir` and recovers what it holds. nullptr with `error` set when the directory
  // cannot be created or written.
  static std::unique_ptr<Spool> open(const std::string& dir, const std::string& sink,
                                     const SpoolOptions& options, std::string& error);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  SpoolAppendResult append(std::span<const std::string> payloads);

  // Copies up to `max_records` (and, past the first, about `max_bytes`) of the oldest waiting
  // records into `out` and marks them in flight. One batch is in flight at a time: false when
  // nothing is waiting or a batch is already out.
  bool take(size_t max_records, uint64_t max_bytes, std::vector<std::string>& out);
  // The in-flight batch was delivered: it leaves the spool for good.
  void commit();
  // Blocks until records are waiting (not in flight), wake() is called, or `timeout` passes.
  bool wait(std::chrono::milliseconds timeout);
  void wake();
  // Flushes appended records to disk now (the interval policy's timer calls this).
  void sync();

  uint64_t pending_bytes() const;    // undelivered bytes on disk (framing included)
  uint64_t pending_records() const;  // undelivered records, the in-flight batch included
  uint64_t dropped() const;          // records dropped by the overflow policy since open
  uint64_t corrupt() const;          // corrupt regions skipped since open
  const std::string& dir() const { return dir_; }

 private:
  struct Pos {
    uint64_t seq = 0;
    uint64_t off = 0;
    friend bool operator==(const Pos&, const Pos&) = default;
  };
  struct Segment {
    uint64_t size = 0;
  };
  enum class Read { kRecord, kEnd };

  Spool(std::string dir, std::string sink, const SpoolOptions& options);
  bool recover(std::string& error);
  bool open_head(uint64_t seq, std::string& error);
  std::string segment_path(uint64_t seq) const;
  int read_fd(uint64_t seq);
  void normalize(Pos& pos) const;
  uint64_t bytes_between(const Pos& a, const Pos& b) const;
  uint64_t pending_bytes_locked() const;
  // Reads the record at `pos` (skipping corrupt regions), advancing `pos` past it.
  Read read_record(Pos& pos, std::string* payload);
  bool drop_oldest_locked();
  bool write_records(std::span<const std::string> payloads, size_t count);
  // Undoes a partly written batch: back to segment `seq` holding `size` bytes.
  void roll_back_locked(uint64_t seq, uint64_t size);
  // Counts a failed append (tripline_spool_write_errors_total) and logs the first of a streak.
  void note_write_failure(const std::string& error);
  void maybe_sync_locked(bool force);
  void write_cursor_locked();
  void remove_consumed_locked();
  void update_gauges_locked();
  bool waiting_locked() const;

  const std::string dir_;
  const std::string sink_;
  const SpoolOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::map<uint64_t, Segment> segments_;
  uint64_t head_seq_ = 0;
  int head_fd_ = -1;
  int cursor_fd_ = -1;
  uint64_t cached_read_seq_ = 0;
  int cached_read_fd_ = -1;
  Pos read_pos_;      // first undelivered record
  Pos take_pos_;      // where the next take() starts (past the in-flight batch and drops)
  Pos inflight_end_;  // end of the in-flight batch
  bool inflight_ = false;
  size_t inflight_records_ = 0;
  uint64_t pending_records_ = 0;
  uint64_t dropped_ = 0;
  uint64_t corrupt_ = 0;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_sync_;
  bool full_logged_ = false;
  bool write_failing_ = false;

  prometheus::Gauge& bytes_gauge_;
  prometheus::Gauge& records_gauge_;
  prometheus::Counter& dropped_counter_;
  prometheus::Counter& corrupt_counter_;
  prometheus::Counter& write_errors_counter_;
};

}  // namespace tripline
