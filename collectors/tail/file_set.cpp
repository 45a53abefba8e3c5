#include "collectors/tail/file_set.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "collectors/tail/fingerprint.h"
#include "core/log.h"

namespace tripline {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

std::string num(uint64_t v) { return std::to_string(v); }

// Birth time of an open file, when the filesystem records one.
bool birth_time(int fd, struct timespec& out) {
  struct statx stx;
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_BTIME, &stx) != 0) return false;
  if (!(stx.stx_mask & STATX_BTIME)) return false;
  out = {stx.stx_btime.tv_sec, static_cast<long>(stx.stx_btime.tv_nsec)};
  return true;
}

bool later(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

}  // namespace

FileSet::FileSet(std::string input_name, GlobScanner scanner, FileSetOptions options,
                 std::shared_ptr<ProgressTable> table)
    : input_(std::move(input_name)),
      scanner_(std::move(scanner)),
      options_(options),
      table_(std::move(table)) {}

void FileSet::warn_unreadable(const std::string& path, int err) {
  if (unreadable_.insert(path).second) {
    log::warn("cannot open file; retrying at every rescan",
              {{"input", input_}, {"path", path}, {"error", std::strerror(err)}});
  }
}

TailedFile& FileSet::adopt(std::string path, const struct stat& st, UniqueFd fd,
                           std::string prefix, uint64_t offset, SteadyClock::time_point now,
                           std::shared_ptr<FileProgress> parent) {
  auto f = std::make_unique<TailedFile>(options_.max_line_bytes);
  f->path = path;
  f->origin = path;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->fd = std::move(fd);
  f->prefix = std::move(prefix);
  f->framer.reset(offset);
  f->batched_until = offset;
  f->size = static_cast<uint64_t>(st.st_size);
  f->last_change = now;
  f->progress = table_->add(path, f->dev, f->ino, f->prefix, offset, std::move(parent));
  unreadable_.erase(path);
  files_.push_back(std::move(f));
  return *files_.back();
}

void FileSet::initial_scan(const std::vector<FileCheckpoint>& restored, bool checkpoint_lost,
                           SteadyClock::time_point now) {
  // Files created after the last checkpoint was written appeared while the agent was stopped:
  // they are read from the beginning whatever start_at says.
  struct stat cp_st;
  const bool have_cp_time =
      !checkpoint_lost && ::stat(table_->checkpoint_file().c_str(), &cp_st) == 0;

  struct Candidate {
    std::string path;
    struct stat st;
    UniqueFd fd;
    std::string prefix;
    int entry = -1;
  };
  std::vector<Candidate> cands;
  const std::vector<ScannedFile> found = scanner_.scan();
  watch_dirs_ = scanner_.watch_dirs(found);
  for (const ScannedFile& f : found) {
    Candidate c;
    c.path = f.path;
    c.fd = open_for_reading(f.path);
    if (!c.fd.valid()) {
      warn_unreadable(f.path, errno);
      continue;
    }
    if (::fstat(c.fd.get(), &c.st) != 0 || !S_ISREG(c.st.st_mode)) continue;
    if (!read_prefix(c.fd.get(), kFingerprintBytes, c.prefix)) continue;
    cands.push_back(std::move(c));
  }

  // Match checkpoint entries to files: the fingerprint must always agree; device/inode, then the
  // path, then (for fingerprints long enough to trust) the content alone decide between them.
  std::vector<bool> claimed(restored.size(), false);
  auto match_pass = [&](auto&& accept) {
    for (Candidate& c : cands) {
      if (c.entry >= 0) continue;
      for (size_t i = 0; i < restored.size(); ++i) {
        const FileCheckpoint& e = restored[i];
        if (claimed[i] || !accept(c, e)) continue;
        if (!matches_fingerprint(c.prefix, e.fp_len, e.fp_sha256)) continue;
        claimed[i] = true;
        c.entry = static_cast<int>(i);
        break;
      }
    }
  };
  match_pass([](const Candidate& c, const FileCheckpoint& e) {
    return e.dev == static_cast<uint64_t>(c.st.st_dev) &&
           e.ino == static_cast<uint64_t>(c.st.st_ino);
  });
  match_pass([](const Candidate& c, const FileCheckpoint& e) {
    return !e.path.empty() && e.path == c.path;
  });
  match_pass([](const Candidate&, const FileCheckpoint& e) {
    return e.fp_len >= kMinContentMatchBytes;
  });

  for (Candidate& c : cands) {
    const uint64_t size = static_cast<uint64_t>(c.st.st_size);
    uint64_t offset = 0;
    if (c.entry >= 0) {
      const FileCheckpoint& e = restored[static_cast<size_t>(c.entry)];
      offset = e.offset;
      if (offset > size) {
        log::info("file is shorter than its checkpoint (truncated while stopped); reading it from "
                  "the beginning",
                  {{"input", input_}, {"path", c.path}, {"checkpoint_offset", num(offset)},
                   {"size", num(size)}});
        offset = 0;
      }
    } else if (checkpoint_lost) {
      offset = 0;
    } else if (std::any_of(restored.begin(), restored.end(), [&](const FileCheckpoint& e) {
                 return (!e.path.empty() && e.path == c.path) ||
                        (e.dev == static_cast<uint64_t>(c.st.st_dev) &&
                         e.ino == static_cast<uint64_t>(c.st.st_ino));
               })) {
      log::info("file was replaced or rotated while stopped; reading it from the beginning",
                {{"input", input_}, {"path", c.path}});
      offset = 0;
    } else if (struct timespec born; have_cp_time && birth_time(c.fd.get(), born) &&
                                     later(born, cp_st.st_mtim)) {
      offset = 0;
    } else if (options_.start_at_end) {
      offset = last_line_boundary(c.fd.get(), size, options_.max_line_bytes);
    }
    adopt(c.path, c.st, std::move(c.fd), std::move(c.prefix), offset, now);
  }
}

bool FileSet::reopen(TailedFile& file, const ScannedFile& found, SteadyClock::time_point now) {
  UniqueFd fd = open_for_reading(found.path);
  if (!fd.valid()) {
    warn_unreadable(found.path, errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || st.st_dev != static_cast<dev_t>(file.dev) ||
      st.st_ino != static_cast<ino_t>(file.ino)) {
    return false;  // replaced between the scan and the open: the next scan sorts it out
  }
  std::string prefix;
  if (!read_prefix(fd.get(), kFingerprintBytes, prefix)) return false;
  unreadable_.erase(found.path);
  file.fd = std::move(fd);
  file.last_change = now;
  if (static_cast<uint64_t>(st.st_size) < file.emitted() || !starts_with(prefix, file.prefix)) {
    restart(file, static_cast<uint64_t>(st.st_size) < file.emitted() ? "truncated"
                                                                       : "content replaced");
    return true;
  }
  if (prefix.size() > file.prefix.size()) {
    file.prefix = std::move(prefix);
    table_->set_prefix(*file.progress, file.prefix);
  }
  return true;
}

void FileSet::restart(TailedFile& file, const char* reason) {
  log::info("file truncated or replaced; reading it from the beginning",
            {{"input", input_}, {"path", file.origin}, {"reason", reason},
             {"offset", num(file.emitted())}});
  // The old generation stays known for a while: its copy (copytruncate) must not be read again,
  // and acknowledgements still in flight must land somewhere.
  table_->set_path(*file.progress, "");
  ghosts_.push_back({file.dev, file.ino, file.origin, std::move(file.prefix), file.emitted(),
                     file.progress, SteadyClock::now() + options_.ghost_ttl});
  file.prefix.clear();
  file.generation.clear();
  if (file.fd.valid()) read_prefix(file.fd.get(), kFingerprintBytes, file.prefix);
  file.framer.reset(0);
  file.batched_until = 0;
  file.size = 0;
  file.progress = table_->add(file.path, file.dev, file.ino, file.prefix, 0);
}

bool FileSet::refresh(TailedFile& file, SteadyClock::time_point now) {
  struct stat st;
  if (!file.fd.valid() || ::fstat(file.fd.get(), &st) != 0) return false;
  file.deleted = st.st_nlink == 0;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < file.framer.next_offset()) restart(file, "truncated");
  if (size != file.size || file.prefix.size() < std::min<uint64_t>(size, kFingerprintBytes)) {
    std::string prefix;
    if (!read_prefix(file.fd.get(), kFingerprintBytes, prefix)) return false;
    if (!starts_with(prefix, file.prefix)) {
      restart(file, "content replaced");
    } else if (prefix.size() > file.prefix.size()) {
      file.prefix = std::move(prefix);
      table_->set_prefix(*file.progress, file.prefix);
    }
    file.last_change = now;
  }
  file.size = size;
  return true;
}

void FileSet::rescan(SteadyClock::time_point now) {
  const std::vector<ScannedFile> found = scanner_.scan();
  watch_dirs_ = scanner_.watch_dirs(found);

  std::map<std::pair<uint64_t, uint64_t>, TailedFile*> by_inode;
  for (const auto& f : files_) by_inode[{f->dev, f->ino}] = f.get();
  std::set<const TailedFile*> seen;
  std::vector<bool> pending_seen(pending_.size(), false);
  const size_t known_pending = pending_.size();

  for (const ScannedFile& f : found) {
    const std::pair<uint64_t, uint64_t> key{f.st.st_dev, f.st.st_ino};
    if (auto it = by_inode.find(key); it != by_inode.end()) {
      TailedFile& file = *it->second;
      seen.insert(&file);
      if (file.path != f.path) {
        log::debug("file renamed", {{"input", input_}, {"from", file.origin}, {"to", f.path}});
        file.path = f.path;
        file.origin = f.path;
        table_->set_path(*file.progress, f.path);
      }
      if (!file.fd.valid() && static_cast<uint64_t>(f.st.st_size) != file.size) {
        reopen(file, f, now);
      }
      continue;
    }
    bool is_pending = false;
    for (size_t i = 0; i < known_pending; ++i) {
      if (pending_[i].dev == key.first && pending_[i].ino == key.second) {
        pending_[i].path = f.path;
        pending_seen[i] = true;
        is_pending = true;
        break;
      }
    }
    if (is_pending) continue;

    Pending p;
    p.path = f.path;
    p.fd = open_for_reading(f.path);
    if (!p.fd.valid()) {
      warn_unreadable(f.path, errno);
      continue;
    }
    struct stat st;
    if (::fstat(p.fd.get(), &st) != 0 || st.st_dev != f.st.st_dev || st.st_ino != f.st.st_ino) {
      continue;
    }
    if (!read_prefix(p.fd.get(), kFingerprintBytes, p.prefix)) continue;
    p.dev = st.st_dev;
    p.ino = st.st_ino;
    p.size = static_cast<uint64_t>(st.st_size);
    p.last_change = now;
    pending_.push_back(std::move(p));
    pending_seen.push_back(true);
  }

  // Pending files that vanished before they were identified carried nothing we have read.
  for (size_t i = pending_.size(); i-- > 0;) {
    if (!pending_seen[i]) pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  for (size_t i = files_.size(); i-- > 0;) {
    TailedFile& file = *files_[i];
    if (seen.count(&file)) continue;
    if (!file.fd.valid()) {
      bury(i, now);  // inactive and gone, or missed by a glob racing a rename
      continue;
    }
    if (!file.path.empty()) {
      // Rotated to a name outside the globs, or deleted: read on through the open descriptor.
      log::debug("file left the globs; reading it to the end",
                 {{"input", input_}, {"path", file.origin}});
      file.path.clear();
      table_->set_path(*file.progress, "");
    }
  }
  for (size_t i = ghosts_.size(); i-- > 0;) {
    if (ghosts_[i].expires <= now) {
      table_->remove(*ghosts_[i].progress);
      ghosts_.erase(ghosts_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  check_pending(now);
}

void FileSet::check_pending(SteadyClock::time_point now) {
  for (size_t i = 0; i < pending_.size();) {
    Pending& p = pending_[i];
    struct stat st;
    if (::fstat(p.fd.get(), &st) != 0) {
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    if (static_cast<uint64_t>(st.st_size) != p.size) {
      p.size = static_cast<uint64_t>(st.st_size);
      read_prefix(p.fd.get(), kFingerprintBytes, p.prefix);
      p.last_change = now;
    }
    if (judge(p, now)) {
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

bool FileSet::judge(Pending& p, SteadyClock::time_point now) {
  if (p.size == 0) return false;  // nothing to tell it by, and nothing to read yet
  const bool settled = now - p.last_change >= options_.settle;
  struct stat st;
  if (::fstat(p.fd.get(), &st) != 0) return true;

  // A file we let go of (inactive when a scan missed it) that is back: same inode, same start.
  for (size_t i = 0; i < ghosts_.size(); ++i) {
    Ghost& g = ghosts_[i];
    if (g.dev != p.dev || g.ino != p.ino || !starts_with(p.prefix, g.prefix) || p.size < g.offset) {
      continue;
    }
    log::debug("file seen again; continuing at its position",
               {{"input", input_}, {"path", p.path}, {"offset", num(g.offset)}});
    std::shared_ptr<FileProgress> parent = g.progress;
    const uint64_t offset = g.offset;
    table_->remove(*g.progress);
    ghosts_.erase(ghosts_.begin() + static_cast<std::ptrdiff_t>(i));
    adopt(p.path, st, std::move(p.fd), std::move(p.prefix), offset, now, std::move(parent));
    return true;
  }

  const std::string* copy_of = nullptr;
  std::shared_ptr<FileProgress> copy_progress;
  uint64_t copy_offset = 0;
  bool undecided = false;
  auto consider = [&](const std::string& prefix, uint64_t offset, const std::string& origin,
                      const std::shared_ptr<FileProgress>& progress) {
    if (copy_of != nullptr) return;
    switch (compare_prefix(p.prefix, prefix)) {
      case PrefixRelation::kSame:
        copy_of = &origin;
        copy_offset = offset;
        copy_progress = progress;
        break;
      case PrefixRelation::kUndecided:
        undecided = true;
        break;
      case PrefixRelation::kDifferent:
        break;
    }
  };
  for (const auto& f : files_) consider(f->prefix, f->emitted(), f->origin, f->progress);
  for (const Ghost& g : ghosts_) consider(g.prefix, g.offset, g.origin, g.progress);

  if (copy_of != nullptr) {
    // A copy still being written holds nothing new until it reaches the known position.
    if (p.size < copy_offset && !settled) return false;
    const uint64_t offset = std::min(copy_offset, p.size);
    log::info("file is a copy of a known file; continuing at its position",
              {{"input", input_}, {"path", p.path}, {"copy_of", *copy_of},
               {"offset", num(offset)}});
    adopt(p.path, st, std::move(p.fd), std::move(p.prefix), offset, now, std::move(copy_progress));
    return true;
  }
  // Too little to tell a copy being written from a new file that began the same way: wait a
  // moment; once it stops changing, read it as new (a duplicate is better than a loss).
  if (undecided && !settled) return false;
  log::debug("new file", {{"input", input_}, {"path", p.path}});
  adopt(p.path, st, std::move(p.fd), std::move(p.prefix), 0, now);
  return true;
}

void FileSet::bury(size_t index, SteadyClock::time_point now) {
  TailedFile& file = *files_[index];
  table_->set_path(*file.progress, "");
  ghosts_.push_back({file.dev, file.ino, file.origin, std::move(file.prefix), file.emitted(),
                     file.progress, now + options_.ghost_ttl});
  files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(index));
}

void FileSet::forget(size_t index) {
  table_->remove(*files_[index]->progress);
  files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(index));
}

void FileSet::close_inactive(SteadyClock::time_point now,
                             const std::function<void(TailedFile&)>& on_final) {
  for (size_t i = files_.size(); i-- > 0;) {
    TailedFile& file = *files_[i];
    if (!file.fd.valid() || file.framer.next_offset() < file.size) continue;
    // A deleted file cannot get a new name: release its space soon after it is read.
    const auto limit = file.path.empty() && file.deleted
                           ? std::min(options_.close_inactive, options_.rescan_interval)
                           : options_.close_inactive;
    if (now - file.last_change < limit) continue;
    if (!file.path.empty()) {
      // Still in the globs: keep identity and position; a held partial line is read again when
      // the file is reopened.
      file.fd.reset();
      file.framer.reset(file.emitted());
      continue;
    }
    on_final(file);
    forget(i);
  }
}

bool FileSet::needs_polling() const {
  if (!pending_.empty()) return true;
  return std::any_of(files_.begin(), files_.end(),
                     [](const auto& f) { return f->fd.valid() && f->path.empty(); });
}

bool FileSet::is_open_path(const std::string& path) const {
  return std::any_of(files_.begin(), files_.end(),
                     [&](const auto& f) { return f->fd.valid() && f->path == path; });
}

uint64_t FileSet::lag_bytes() const {
  uint64_t lag = 0;
  for (const auto& f : files_) {
    const uint64_t done = f->fd.valid() ? f->framer.next_offset() : f->emitted();
    if (f->size > done) lag += f->size - done;
  }
  return lag;
}

}  // namespace tripline
