#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "collectors/checkpoint_store.h"
#include "collectors/tail/glob_scanner.h"
#include "collectors/tail/progress_table.h"
#include "collectors/tail/tailed_file.h"

namespace tripline {

struct FileSetOptions {
  bool start_at_end = true;
  uint64_t max_line_bytes = 1 << 20;
  std::chrono::milliseconds close_inactive{300000};
  std::chrono::milliseconds rescan_interval{2000};
  // How long a new file whose first bytes are a prefix of a known file's must stay unchanged
  // before it is judged (a copy still being written vs. a new file that began the same way).
  std::chrono::milliseconds settle{1000};
  // How long the identity of a truncated generation is remembered to recognise its copy.
  std::chrono::milliseconds ghost_ttl{300000};
};

// The files one tail input follows, and how each is identified: by device/inode while it is
// known, by content fingerprint (first bytes) across restarts, copies and inode reuse.
// Used by the reader thread only.
//
// A new file that is a prefix of a known file's content (empty, or a copy being written) waits
// as "pending" until it can be told apart; a copy of a known file (copytruncate) continues at the
// known file's position instead of being read again; a truncated file starts over at 0 and its
// old identity is kept for ghost_ttl so that its copy is still recognised.
class FileSet {
 public:
  FileSet(std::string input_name, GlobScanner scanner, FileSetOptions options,
          std::shared_ptr<ProgressTable> table);

  // The first scan: every matched file starts at its checkpointed offset, or by start_at when
  // the checkpoint does not know it, or at 0 when `checkpoint_lost` (a corrupt checkpoint).
  void initial_scan(const std::vector<FileCheckpoint>& restored, bool checkpoint_lost,
                    SteadyClock::time_point now);
  // Reconciles with the globs: follows renames by inode, notes files that left the globs,
  // reopens inactive files that changed, examines new ones.
  void rescan(SteadyClock::time_point now);
  // Re-examines pending files; promotes those that can now be identified.
  void check_pending(SteadyClock::time_point now);
  // Looks at an open file: detects truncation and replaced content (starting it over at 0) and
  // extends its fingerprint. Returns false when the file cannot be examined (I/O error).
  bool refresh(TailedFile& file, SteadyClock::time_point now);
  // Releases files that are fully read and idle: files still in the globs keep their identity
  // and position (reopened when they change); others are forgotten after `on_final` had the
  // chance to emit a last line that never got its newline.
  void close_inactive(SteadyClock::time_point now, const std::function<void(TailedFile&)>& on_final);

  const std::vector<std::unique_ptr<TailedFile>>& files() const { return files_; }
  size_t pending_count() const { return pending_.size(); }
  size_t ghost_count() const { return ghosts_.size(); }
  // True when some change would not show up as an inotify event in a watched directory.
  bool needs_polling() const;
  bool is_open_path(const std::string& path) const;
  const std::set<std::string>& watch_dirs() const { return watch_dirs_; }
  const GlobScanner& scanner() const { return scanner_; }
  // Bytes in the files not read yet.
  uint64_t lag_bytes() const;

 private:
  struct Pending {
    std::string path;
    uint64_t dev = 0;
    uint64_t ino = 0;
    UniqueFd fd;
    uint64_t size = 0;
    std::string prefix;
    SteadyClock::time_point last_change{};
  };
  struct Ghost {
    uint64_t dev = 0;
    uint64_t ino = 0;
    std::string origin;
    std::string prefix;
    uint64_t offset = 0;  // bytes emitted before it was truncated
    std::shared_ptr<FileProgress> progress;
    SteadyClock::time_point expires{};
  };

  // Starts following a file at `offset`; `parent` is the file it continues (a copy's original).
  TailedFile& adopt(std::string path, const struct stat& st, UniqueFd fd, std::string prefix,
                    uint64_t offset, SteadyClock::time_point now,
                    std::shared_ptr<FileProgress> parent = nullptr);
  // Decides a pending file's identity; true when it was promoted (or dropped).
  bool judge(Pending& p, SteadyClock::time_point now);
  bool reopen(TailedFile& file, const ScannedFile& found, SteadyClock::time_point now);
  // Starts `file` over at offset 0 as a new generation (truncated, or its content replaced).
  void restart(TailedFile& file, const char* reason);
  void forget(size_t index);
  // Forgets files_[index] but keeps its identity for ghost_ttl, so that it is recognised if it
  // shows up again (a glob that missed it during a rename) instead of being read again.
  void bury(size_t index, SteadyClock::time_point now);
  void warn_unreadable(const std::string& path, int err);

  std::string input_;
  GlobScanner scanner_;
  FileSetOptions options_;
  std::shared_ptr<ProgressTable> table_;
  std::vector<std::unique_ptr<TailedFile>> files_;
  std::vector<Pending> pending_;
  std::vector<Ghost> ghosts_;
  std::set<std::string> watch_dirs_;
  std::set<std::string> unreadable_;  // warned about once until readable again
};

}  // namespace tripline
