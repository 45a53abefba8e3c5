#pragma once
#include <chrono>
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
  FileCheckpoint identity;  // path, dev, ino, fingerprint; offset is tracker.committed()
  CommitTracker tracker;
  bool persisted = false;  // in a checkpoint written to disk
  bool listed = true;      // still part of the checkpoint
};

// The positions an input checkpoints: every file generation it follows, advanced only by
// acknowledged batches. Thread-safe. Writes go through the CheckpointStore, at most once per
// `min_interval` unless forced with save().
class ProgressTable {
 public:
  ProgressTable(CheckpointStore store, std::chrono::milliseconds min_interval);

  std::shared_ptr<FileProgress> add(const std::string& path, uint64_t dev, uint64_t ino,
                                    std::string_view prefix, uint64_t start_offset);
  void set_path(FileProgress& p, const std::string& path);
  // Records a longer fingerprint as the file grows (the first bytes never change within one
  // generation, so any prefix identifies it).
  void set_prefix(FileProgress& p, std::string_view prefix);
  // Drops a file from the checkpoint; late acknowledgements for it are ignored.
  void remove(FileProgress& p);

  void commit(FileProgress& p, uint64_t begin, uint64_t end);
  uint64_t committed(const FileProgress& p) const;
  bool persisted(const FileProgress& p) const;

  // Writes the checkpoint now. Returns false on an I/O error (logged by the store).
  bool save();
  // Writes it when something changed and min_interval has passed since the last write.
  bool save_if_due();
  std::chrono::milliseconds min_interval() const { return min_interval_; }

  const std::string& checkpoint_file() const { return store_.file(); }

 private:
  CheckpointStore store_;  // guarded by save_mutex_
  const std::chrono::milliseconds min_interval_;
  std::mutex save_mutex_;  // serialises snapshot + write, so an older snapshot never wins
  std::chrono::steady_clock::time_point last_save_{};

  mutable std::mutex mutex_;
  std::map<uint64_t, std::shared_ptr<FileProgress>> entries_;
  uint64_t next_id_ = 1;
  bool dirty_ = false;
};

}  // namespace tripline
