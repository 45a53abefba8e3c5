#include "collectors/tail/progress_table.h"

#include <algorithm>

#include "collectors/tail/fingerprint.h"

namespace tripline {

ProgressTable::ProgressTable(CheckpointStore store, std::chrono::milliseconds min_interval)
    : store_(std::move(store)), min_interval_(min_interval) {}

void ProgressTable::mark_dirty_locked() {
  if (dirty_) return;
  dirty_ = true;
  writer_cv_.notify_one();
}

std::shared_ptr<FileProgress> ProgressTable::add(const std::string& path, uint64_t dev,
                                                 uint64_t ino, std::string_view prefix,
                                                 uint64_t start_offset,
                                                 std::shared_ptr<FileProgress> parent) {
  auto p = std::make_shared<FileProgress>(start_offset);
  p->parent = std::move(parent);
  p->parent_until = start_offset;
  p->identity.path = path;
  p->identity.dev = dev;
  p->identity.ino = ino;
  p->identity.fp_len = prefix.size();
  p->identity.fp_sha256 = fingerprint_hash(prefix);
  std::lock_guard lock(mutex_);
  p->id = next_id_++;
  entries_.emplace(p->id, p);
  mark_dirty_locked();
  return p;
}

void ProgressTable::set_path(FileProgress& p, const std::string& path) {
  std::lock_guard lock(mutex_);
  if (p.identity.path == path) return;
  p.identity.path = path;
  mark_dirty_locked();
}

void ProgressTable::set_prefix(FileProgress& p, std::string_view prefix) {
  {
    std::lock_guard lock(mutex_);
    if (p.identity.fp_len == prefix.size()) return;
  }
  std::string hash = fingerprint_hash(prefix);  // outside the lock: commits should not wait
  std::lock_guard lock(mutex_);
  p.identity.fp_len = prefix.size();
  p.identity.fp_sha256 = std::move(hash);
  mark_dirty_locked();
}

void ProgressTable::remove(FileProgress& p) {
  std::lock_guard lock(mutex_);
  if (!p.listed) return;
  p.listed = false;
  entries_.erase(p.id);
  mark_dirty_locked();
}

void ProgressTable::commit(FileProgress& p, uint64_t begin, uint64_t end) {
  std::lock_guard lock(mutex_);
  const uint64_t before = p.tracker.committed();
  p.tracker.commit(begin, end);
  // Unlisted entries still matter: a copy may checkpoint its parent's position.
  if (p.tracker.committed() != before) mark_dirty_locked();
}

uint64_t ProgressTable::committed(const FileProgress& p) const {
  std::lock_guard lock(mutex_);
  return p.tracker.committed();
}

uint64_t ProgressTable::checkpoint_offset(FileProgress& p) const {
  std::lock_guard lock(mutex_);
  return checkpoint_offset_locked(p);
}

uint64_t ProgressTable::checkpoint_offset_locked(FileProgress& p) const {
  const uint64_t own = p.tracker.committed();
  if (!p.parent) return own;
  const uint64_t inherited = checkpoint_offset_locked(*p.parent);
  if (inherited >= p.parent_until) {
    p.parent.reset();  // everything before our start is committed there: we stand alone
    return own;
  }
  return std::min(own, inherited);
}

bool ProgressTable::persisted(const FileProgress& p) const {
  std::lock_guard lock(mutex_);
  return p.persisted;
}

bool ProgressTable::save() {
  std::lock_guard save_lock(save_mutex_);
  std::vector<FileCheckpoint> files;
  std::vector<std::shared_ptr<FileProgress>> included;
  {
    std::lock_guard lock(mutex_);
    files.reserve(entries_.size());
    for (const auto& [id, p] : entries_) {
      FileCheckpoint f = p->identity;
      f.offset = checkpoint_offset_locked(*p);
      files.push_back(std::move(f));
      included.push_back(p);
    }
    dirty_ = false;
  }
  const bool ok = store_.save(files);
  std::lock_guard lock(mutex_);
  if (!ok) {
    dirty_ = true;  // retried by the writer after min_interval
    return false;
  }
  for (const auto& p : included) p->persisted = true;
  return true;
}

void ProgressTable::run_writer() {
  // The first change after a quiet spell is written at once; later ones are coalesced.
  auto last_write = std::chrono::steady_clock::time_point{};
  std::unique_lock lock(mutex_);
  while (!writer_stop_) {
    writer_cv_.wait(lock, [&] { return writer_stop_ || dirty_; });
    if (writer_stop_) break;
    const auto due = last_write + min_interval_;
    if (std::chrono::steady_clock::now() < due &&
        writer_cv_.wait_until(lock, due, [&] { return writer_stop_; })) {
      break;
    }
    lock.unlock();
    save();
    last_write = std::chrono::steady_clock::now();
    lock.lock();
  }
}

void ProgressTable::stop_writer() {
  std::lock_guard lock(mutex_);
  writer_stop_ = true;
  writer_cv_.notify_all();
}

}  // namespace tripline
