#pragma once
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "collectors/tail/file_io.h"

namespace prometheus {
class Counter;
}  // namespace prometheus

namespace tripline {

// Wakes the tail reader when something changes in the directories it watches (inotify), or after
// a timeout. When inotify cannot be used (disabled, inotify_init fails, or the watch limit is
// hit) it degrades to plain timeouts, the polling mode, with one warning and an increment of
// tripline_input_watch_fallbacks_total{input}. wait() is called by the reader thread only; wake()
// may be called from any thread.
class FileWatcher {
 public:
  struct Change {
    std::string path;  // empty: unknown (queue overflow, a watched directory went away)
    bool structural = false;  // created, deleted, moved or attributes changed, vs. written to
  };

  FileWatcher(std::string input_name, bool use_inotify);

  bool inotify_active() const { return inotify_.valid(); }
  // Watches exactly `dirs` from now on; directories that do not exist yet are retried on the
  // next call.
  void set_directories(const std::set<std::string>& dirs);
  // Returns after an inotify event (appended to `changes`), wake(), or `timeout`.
  void wait(std::chrono::milliseconds timeout, std::vector<Change>& changes);
  void wake();

 private:
  void fall_back(const char* reason, int err);
  void read_events(std::vector<Change>& changes);

  std::string input_;
  UniqueFd inotify_;
  UniqueFd wake_;  // eventfd
  std::map<int, std::string> dir_of_wd_;
  std::map<std::string, int> wd_of_dir_;
  prometheus::Counter& fallbacks_;
};

}  // namespace tripline
