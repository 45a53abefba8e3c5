#include "collectors/tail/file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

constexpr uint32_t kStructural = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB;
constexpr uint32_t kWatchMask = kStructural | IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE_SELF |
                                IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

FileWatcher::FileWatcher(std::string input_name, bool use_inotify)
    : input_(std::move(input_name)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      fallbacks_(Metrics::global().input_watch_fallbacks(input_)) {
  if (!use_inotify) return;
  inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify_.valid()) fall_back("inotify_init failed", errno);
}

void FileWatcher::fall_back(const char* reason, int err) {
  fallbacks_.Increment();
  log::warn("inotify unavailable; polling files instead",
            {{"input", input_}, {"reason", reason}, {"error", std::strerror(err)}});
  inotify_.reset();
  dir_of_wd_.clear();
  wd_of_dir_.clear();
}

void FileWatcher::set_directories(const std::set<std::string>& dirs) {
  if (!inotify_.valid()) return;
  for (auto it = wd_of_dir_.begin(); it != wd_of_dir_.end();) {
    if (dirs.count(it->first)) {
      ++it;
      continue;
    }
    ::inotify_rm_watch(inotify_.get(), it->second);
    dir_of_wd_.erase(it->second);
    it = wd_of_dir_.erase(it);
  }
  for (const std::string& dir : dirs) {
    if (wd_of_dir_.count(dir)) continue;
    const int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), kWatchMask);
    if (wd >= 0) {
      dir_of_wd_[wd] = dir;
      wd_of_dir_[dir] = wd;
      continue;
    }
    if (errno == ENOSPC || errno == ENOMEM) {
      fall_back("inotify watch limit reached (fs.inotify.max_user_watches)", errno);
      return;
    }
    // Missing or unreadable directory: the periodic rescan retries it.
  }
}

void FileWatcher::wait(std::chrono::milliseconds timeout, std::vector<Change>& changes) {
  pollfd fds[2] = {{wake_.get(), POLLIN, 0}, {inotify_.get(), POLLIN, 0}};
  const nfds_t n = inotify_.valid() ? 2 : 1;
  const int rc = ::poll(fds, n, static_cast<int>(timeout.count()));
  if (rc <= 0) return;
  if (fds[0].revents & POLLIN) {
    uint64_t v;
    while (::read(wake_.get(), &v, sizeof v) > 0) {
    }
  }
  if (n == 2 && (fds[1].revents & POLLIN)) read_events(changes);
}

void FileWatcher::read_events(std::vector<Change>& changes) {
  alignas(inotify_event) char buf[16384];
  for (;;) {
    const ssize_t len = ::read(inotify_.get(), buf, sizeof buf);
    if (len <= 0) return;
    for (ssize_t off = 0; off < len;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        changes.push_back({"", true});
        continue;
      }
      auto it = dir_of_wd_.find(ev->wd);
      if (it == dir_of_wd_.end()) continue;
      if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (ev->mask & IN_IGNORED) {
          wd_of_dir_.erase(it->second);
          dir_of_wd_.erase(it);
        }
        changes.push_back({"", true});
        continue;
      }
      if (ev->len == 0) continue;
      std::string path = it->second;
      if (path != "/") path.push_back('/');
      path += ev->name;
      changes.push_back({std::move(path), (ev->mask & kStructural) != 0});
    }
  }
}

void FileWatcher::wake() {
  const uint64_t one = 1;
  ssize_t rc = ::write(wake_.get(), &one, sizeof one);
  (void)rc;
}

}  // namespace tripline
