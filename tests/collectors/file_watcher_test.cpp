#include "collectors/tail/file_watcher.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/metrics.h"
#include "tail_test_support.h"

namespace tripline {
namespace {

using namespace std::chrono_literals;
using testing_support::append;
using testing_support::TempDir;

TEST(FileWatcherTest, ReportsWritesAndCreationsInWatchedDirectories) {
  TempDir dir;
  FileWatcher w("watch", true);
  ASSERT_TRUE(w.inotify_active());
  w.set_directories({dir.path()});
  append(dir / "a.log", "x\n");
  std::vector<FileWatcher::Change> changes;
  const auto t0 = std::chrono::steady_clock::now();
  w.wait(5s, changes);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes[0].path, dir / "a.log");
  EXPECT_TRUE(changes[0].structural);  // created
}

TEST(FileWatcherTest, WakeInterruptsAWait) {
  FileWatcher w("wake", true);
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    w.wake();
  });
  std::vector<FileWatcher::Change> changes;
  const auto t0 = std::chrono::steady_clock::now();
  w.wait(10s, changes);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  t.join();
}

TEST(FileWatcherTest, DisabledInotifyWaitsForTheTimeout) {
  TempDir dir;
  FileWatcher w("poll", false);
  EXPECT_FALSE(w.inotify_active());
  // Polling by configuration is not a fallback.
  EXPECT_EQ(Metrics::global().input_watch_fallbacks("poll").Value(), 0);
  w.set_directories({dir.path()});
  append(dir / "a.log", "x\n");
  std::vector<FileWatcher::Change> changes;
  const auto t0 = std::chrono::steady_clock::now();
  w.wait(100ms, changes);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 90ms);
  EXPECT_TRUE(changes.empty());
}

// inotify_init fails when the process is out of descriptors: the watcher must fall back to
// polling (timeouts), count the fallback in tripline_input_watch_fallbacks_total and stay
// wakeable.
TEST(FileWatcherTest, FallsBackToPollingWhenInotifyInitFails) {
  auto& fallbacks = Metrics::global().input_watch_fallbacks("fallback");
  const double fallbacks_before = fallbacks.Value();
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old_limit), 0);
  struct rlimit low = old_limit;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
  // One descriptor left: enough for the wake eventfd, none for inotify.
  ::close(fillers.back());
  fillers.pop_back();
  auto w = std::make_unique<FileWatcher>("fallback", true);
  for (int fd : fillers) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &old_limit);

  EXPECT_FALSE(w->inotify_active());
  EXPECT_EQ(fallbacks.Value(), fallbacks_before + 1);
  std::vector<FileWatcher::Change> changes;
  auto t0 = std::chrono::steady_clock::now();
  w->wait(50ms, changes);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 40ms);
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    w->wake();
  });
  t0 = std::chrono::steady_clock::now();
  w->wait(10s, changes);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  t.join();
}

}  // namespace
}  // namespace tripline
