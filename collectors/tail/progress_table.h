#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/checkpoint_store.h"
#include "collectors/commit_tracker.h"

namespace tripline {

// Commit state of one generation of one file (a truncated file starts a new generation). Shared
// between the reader thread and the pipeline threads that acknowledge batches; its members are
// guarded by the owning ProgressTable's mutex, so only ProgressTable touches them.
struct FileProgress {
  explicit FileProgress(uint64_t start) : tracker(start) {}
  uint64_t id = 0;
  FileCheckpoint identity;  // path, dev, ino, fingerprint; offset: see checkpoint_offset()
  CommitTracker tracker;
  bool persisted = false;  // in a checkpoint written to disk
  bool listed = true;      // still part of the checkpoint
  // A file that continues where another left off (a copy of it, or the same file found again)
  // starts reading at that file's emitted position, but bytes before it may still be in flight
  // there. Until `parent` has committed up to parent_until, this file checkpoints the parent's
  // position instead, so a crash re-reads those bytes from here rather than losing them.
  std::shared_ptr<FileProgress> parent;
  uint64_t parent_until = 0;
};

// The positions an input checkpoints: every file generation it follows, advanced only by
// acknowledged batches. Thread-safe. run_writer() persists changes through the CheckpointStore
// soon after they happen but at most once per `min_interval`; save() writes at once.
class ProgressTable {
 public:
  ProgressTable(CheckpointStore store, std::chrono::milliseconds min_interval);

  std::shared_ptr<FileProgress> add(const std::string& path, uint64_t dev, uint64_t ino,
                                    std::string_view prefix, uint64_t start_offset,
                                    std::shared_ptr<FileProgress> parent = nullptr);
  void set_path(FileProgress& p, const std::string& path);
  // Records a longer fingerprint as the file grows (the first bytes never change within one
  // generation, so any prefix identifies it).
  void set_prefix(FileProgress& p, std::string_view prefix);
  // Drops a file from the checkpoint.
  void remove(FileProgress& p);

  void commit(FileProgress& p, uint64_t begin, uint64_t end);
  uint64_t committed(const FileProgress& p) const;
  // The offset a checkpoint records for `p` (see FileProgress::parent).
  uint64_t checkpoint_offset(FileProgress& p) const;
  bool persisted(const FileProgress& p) const;

  // Writes the checkpoint now. Returns false on an I/O error (logged by the store).
  bool save();
  // The checkpoint writer's loop: waits for a change, writes it (coalescing what arrives within
  // min_interval of the previous write), until stop_writer().
  void run_writer();
  void stop_writer();

  const std::string& checkpoint_file() const { return store_.file(); }

 private:
  uint64_t checkpoint_offset_locked(FileProgress& p) const;
  void mark_dirty_locked();

  CheckpointStore store_;  // guarded by save_mutex_
  const std::chrono::milliseconds min_interval_;
  std::mutex save_mutex_;  // serialises snapshot + write, so an older snapshot never wins

  mutable std::mutex mutex_;
  std::condition_variable writer_cv_;
  std::map<uint64_t, std::shared_ptr<FileProgress>> entries_;
  uint64_t next_id_ = 1;
  bool dirty_ = false;
  bool writer_stop_ = false;
};

}  // namespace tripline
