#include "collectors/tail/progress_table.h"

#include "collectors/tail/fingerprint.h"

namespace tripline {

ProgressTable::ProgressTable(CheckpointStore store, std::chrono::milliseconds min_interval)
    : store_(std::move(store)), min_interval_(min_interval) {}

std::shared_ptr<FileProgress> ProgressTable::add(const std::string& path, uint64_t dev,
                                                 uint64_t ino, std::string_view prefix,
                                                 uint64_t start_offset) {
  auto p = std::make_shared<FileProgress>(start_offset);
  p->identity.path = path;
  p->identity.dev = dev;
  p->identity.ino = ino;
  p->identity.fp_len = prefix.size();
  p->identity.fp_sha256 = fingerprint_hash(prefix);
  std::lock_guard lock(mutex_);
  p->id = next_id_++;
  entries_.emplace(p->id, p);
  dirty_ = true;
  return p;
}

void ProgressTable::set_path(FileProgress& p, const std::string& path) {
  std::lock_guard lock(mutex_);
  if (p.identity.path == path) return;
  p.identity.path = path;
  dirty_ = true;
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
  dirty_ = true;
}

void ProgressTable::remove(FileProgress& p) {
  std::lock_guard lock(mutex_);
  if (!p.listed) return;
  p.listed = false;
  entries_.erase(p.id);
  dirty_ = true;
}

void ProgressTable::commit(FileProgress& p, uint64_t begin, uint64_t end) {
  std::lock_guard lock(mutex_);
  const uint64_t before = p.tracker.committed();
  p.tracker.commit(begin, end);
  if (p.listed && p.tracker.committed() != before) dirty_ = true;
}

uint64_t ProgressTable::committed(const FileProgress& p) const {
  std::lock_guard lock(mutex_);
  return p.tracker.committed();
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
      f.offset = p->tracker.committed();
      files.push_back(std::move(f));
      included.push_back(p);
    }
    dirty_ = false;
  }
  last_save_ = std::chrono::steady_clock::now();
  const bool ok = store_.save(files);
  std::lock_guard lock(mutex_);
  if (!ok) {
    dirty_ = true;
    return false;
  }
  for (const auto& p : included) p->persisted = true;
  return true;
}

bool ProgressTable::save_if_due() {
  {
    std::lock_guard lock(mutex_);
    if (!dirty_) return true;
  }
  {
    std::lock_guard save_lock(save_mutex_);
    if (std::chrono::steady_clock::now() - last_save_ < min_interval_) return true;
  }
  return save();
}

}  // namespace tripline
