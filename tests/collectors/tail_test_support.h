#pragma once
// Helpers shared by the tail collector tests: a temporary directory, file writers, a recording
// BatchConsumer and a polling wait.
#include <fcntl.h>
#include <prometheus/counter.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "collectors/file_tail.h"
#include "collectors/parsers/parser_factory.h"
#include "core/metrics.h"
#include "tests/support/file_util.h"

namespace tripline::testing_support {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/tripline-tail-XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void append(const std::string& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
}

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

using ::tripline::testing::write_file;

// Numbered lines "<prefix><n>\n" for n in [from, to).
inline std::string numbered(const std::string& prefix, int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += prefix + std::to_string(i) + "\n";
  return s;
}

inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

struct Recorded {
  std::string raw;
  InputPosition position;
  TimePoint receive_time;
  TimePoint event_time;
  LogSource logsource;
  Event::Body body;
};

// Records what it is given. Commits each batch as it arrives, or holds the acknowledgements for
// the test to release in any order. pause() makes submit() block (a full pipeline); shutdown()
// makes it return false.
class RecordingTailConsumer : public BatchConsumer {
 public:
  enum class Commit { kOnSubmit, kManual };
  explicit RecordingTailConsumer(Commit mode = Commit::kOnSubmit) : mode_(mode) {}

  bool submit(EventBatch batch) override {
    std::unique_lock lock(mutex_);
    ++blocked_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return shutdown_ || !paused_; });
    --blocked_;
    if (shutdown_) return false;
    for (const Event& e : batch.events) {
      events_.push_back({std::string(e.raw()), e.position(), e.receive_time(), e.event_time(),
                         e.logsource(), e.body()});
    }
    ++batches_;
    if (mode_ == Commit::kOnSubmit) {
      lock.unlock();
      if (batch.on_committed) batch.on_committed();
      lock.lock();
    } else {
      held_.push_back(std::move(batch.on_committed));
    }
    cv_.notify_all();
    return true;
  }

  void pause() {
    std::lock_guard lock(mutex_);
    paused_ = true;
  }
  void resume() {
    std::lock_guard lock(mutex_);
    paused_ = false;
    cv_.notify_all();
  }
  void shutdown() {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    cv_.notify_all();
  }
  // True once a submit() is blocked by pause().
  bool blocked() {
    std::lock_guard lock(mutex_);
    return blocked_ > 0 && paused_;
  }

  size_t count() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<Recorded> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const Recorded& r : events_) out.push_back(r.raw);
    return out;
  }
  size_t batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  // Acknowledges held batch `index` (in submission order).
  void commit(size_t index) {
    std::function<void()> ack;
    {
      std::lock_guard lock(mutex_);
      if (index >= held_.size() || !held_[index]) return;
      ack = std::move(held_[index]);
      held_[index] = nullptr;
    }
    ack();
  }
  void commit_all() {
    for (size_t i = 0; i < held(); ++i) commit(i);
  }

 private:
  Commit mode_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Recorded> events_;
  std::vector<std::function<void()>> held_;
  size_t batches_ = 0;
  int blocked_ = 0;
  bool paused_ = false;
  bool shutdown_ = false;
};

// Options fast enough for tests: short polls and rescans.
inline TailOptions fast_options(const std::vector<std::string>& paths) {
  TailOptions o;
  o.paths = paths;
  o.poll_interval = std::chrono::milliseconds(20);
  o.rescan_interval = std::chrono::milliseconds(100);
  o.checkpoint_interval = std::chrono::milliseconds(50);
  return o;
}

inline std::unique_ptr<FileTailCollector> make_tail(const std::string& input_name,
                                                    const std::string& state_dir,
                                                    TailOptions options) {
  auto info = std::make_shared<InputInfo>();
  info->name = input_name;
  info->host = "test-host";
  info->logsource = default_logsource(options.format);
  auto parser = make_parser(options.format, options.time_fields);
  return std::make_unique<FileTailCollector>(std::move(info), std::move(options),
                                             std::move(parser), state_dir);
}

inline double counter(prometheus::Counter& c) { return c.Value(); }

}  // namespace tripline::testing_support
