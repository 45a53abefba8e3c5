#pragma once
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "tests/support/file_util.h"

namespace tripline::cloud_testing {

// A pipeline stand-in: keeps every event's raw bytes and either commits each batch at once or
// holds the commits back (an agent killed before its alerts were durable).
class RecordingConsumer : public BatchConsumer {
 public:
  explicit RecordingConsumer(bool commit = true) : commit_(commit) {}

  bool submit(EventBatch batch) override {
    std::function<void()> done;
    {
      std::lock_guard lock(mu_);
      if (closed_) return false;
      for (const Event& e : batch.events) {
        raws_.emplace_back(e.raw());
        origins_.push_back(e.position().origin);
        events_.push_back(e);
      }
      ++batches_;
      if (commit_) done = std::move(batch.on_committed);
      else held_.push_back(std::move(batch.on_committed));
    }
    if (done) done();
    return true;
  }
  void commit_held() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (auto& f : held) if (f) f();
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  std::vector<std::string> raws() const {
    std::lock_guard lock(mu_);
    return raws_;
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return raws_.size();
  }
  size_t batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  // Waits up to `timeout` for at least `n` events.
  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return size() >= n;
  }

 private:
  bool commit_;
  mutable std::mutex mu_;
  bool closed_ = false;
  size_t batches_ = 0;
  std::vector<std::string> raws_;
  std::vector<std::string> origins_;
  std::vector<Event> events_;
  std::vector<std::function<void()>> held_;
};

// A directory removed with everything in it when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tripline-cloud-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

using ::tripline::testing::write_file;

// The gzip encoding of `data` (as CloudTrail delivers its files).
inline std::string gzip_bytes(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A CloudTrail delivery document with one record per event name.
inline std::string delivery_doc(const std::vector<std::string>& event_names,
                                const std::string& id_prefix = "id") {
  std::string doc = "{\"Records\":[";
  for (size_t i = 0; i < event_names.size(); ++i) {
    if (i) doc += ",";
    doc += "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-01-02T03:04:05Z\","
           "\"eventSource\":\"iam.amazonaws.com\",\"awsRegion\":\"us-east-1\",\"eventName\":\"" +
           event_names[i] + "\",\"eventID\":\"" + id_prefix + "-" + std::to_string(i) + "\"}";
  }
  return doc + "]}";
}

}  // namespace tripline::cloud_testing
