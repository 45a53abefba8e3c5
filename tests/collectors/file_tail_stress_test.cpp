// A writer thread produces sequence-numbered lines while rotating the file under the collector:
// rename-and-recreate every 50k lines (the glob covers the rotated names), and copytruncate twice
// once the collector has caught up. Every sequence number must arrive exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "collectors/file_tail.h"
#include "tail_test_support.h"

namespace tripline {
namespace {

using namespace std::chrono_literals;
using testing_support::fast_options;
using testing_support::make_tail;
using testing_support::read_all;
using testing_support::TempDir;
using testing_support::write_file;

constexpr int kLines = 1000000;
constexpr int kRotateEvery = 50000;
constexpr int kCopytruncateAt[] = {425000, 825000};

// Counts deliveries per sequence number; commits batches out of order (pairs swapped) so that
// the checkpoint's contiguity logic is exercised under load as well.
class SequenceConsumer : public BatchConsumer {
 public:
  SequenceConsumer() : seen_(kLines) {}

  bool submit(EventBatch batch) override {
    for (const Event& e : batch.events) {
      const std::string_view raw = e.raw();
      int n = -1;
      auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec != std::errc() || n < 0 || n >= kLines) {
        bad_.fetch_add(1);
        continue;
      }
      seen_[static_cast<size_t>(n)].fetch_add(1, std::memory_order_relaxed);
      delivered_.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard lock(mutex_);
    if (held_) {
      batch.on_committed();
      held_();
      held_ = nullptr;
    } else {
      held_ = std::move(batch.on_committed);
    }
    return true;
  }

  void release() {
    std::lock_guard lock(mutex_);
    if (held_) held_();
    held_ = nullptr;
  }

  std::vector<std::atomic<uint8_t>> seen_;
  std::atomic<int> delivered_{0};
  std::atomic<int> bad_{0};

 private:
  std::mutex mutex_;
  std::function<void()> held_;
};

TEST(FileTailStressTest, MillionLinesThroughRenameAndCopytruncateRotationExactlyOnce) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({dir / "app.log*"});
  opts.format = "jsonl";
  auto tail = make_tail("stress", dir / "state", opts);
  SequenceConsumer out;
  tail->start(out);

  auto wait_caught_up = [&](int written) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (out.delivered_.load() < written && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
  };

  std::thread writer([&] {
    FILE* f = std::fopen(log.c_str(), "a");
    int rotation = 0;
    size_t next_copy = 0;
    for (int i = 0; i < kLines; ++i) {
      if (i > 0 && i % kRotateEvery == 0) {
        // Rename first and keep writing a little into the old file, as a daemon does until it
        // reopens its log: those lines must not be lost.
        std::filesystem::rename(log, log + "." + std::to_string(++rotation));
        for (int k = 0; k < 100 && i < kLines; ++k, ++i) {
          std::fprintf(f, "%09d\n", i);
        }
        std::fclose(f);
        f = std::fopen(log.c_str(), "a");
        if (i >= kLines) break;
      }
      if (next_copy < std::size(kCopytruncateAt) && i == kCopytruncateAt[next_copy]) {
        std::fflush(f);
        wait_caught_up(i);
        write_file(log + ".copy" + std::to_string(next_copy), read_all(log));
        ::ftruncate(fileno(f), 0);
        ++next_copy;
      }
      std::fprintf(f, "%09d\n", i);
    }
    std::fclose(f);
  });
  writer.join();
  wait_caught_up(kLines);
  std::this_thread::sleep_for(1500ms);  // anything read twice would arrive by now
  tail->stop();
  out.release();

  int missing = 0, duplicated = 0, first_missing = -1;
  for (int i = 0; i < kLines; ++i) {
    const int c = out.seen_[static_cast<size_t>(i)].load();
    if (c == 0 && first_missing < 0) first_missing = i;
    missing += c == 0;
    duplicated += c > 1;
  }
  EXPECT_EQ(missing, 0) << "first missing: " << first_missing;
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(out.bad_.load(), 0);
  EXPECT_EQ(out.delivered_.load(), kLines);
}

}  // namespace
}  // namespace tripline
