#pragma once
// Shared by the fuzz targets: a per-process scratch directory on tmpfs for the entry points that
// read files (rule loaders, CloudTrail delivery files, spool segments), and quiet self-logging so
// that a warning per input does not turn the fuzzer into a stderr benchmark.
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/log.h"

namespace tripline::fuzz {

// Warnings about bad input are the expected outcome for nearly every input; errors still print.
inline void quiet_logs() { log::set_level(log::Level::kError); }

// CPU time this thread has used. Time limits are checked against it rather than the wall clock:
// a fuzzer running long beside builds (nice 19) can wait seconds for a core, which is no
// evidence that a limit failed, while runaway work shows as CPU time however busy the box is.
inline std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// A directory private to this fuzzer process, removed at exit. /dev/shm keeps the per-input
// file writes off the disk; elsewhere the system temp directory is used.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name) {
    std::filesystem::path base = "/dev/shm";
    std::error_code ec;
    if (!std::filesystem::is_directory(base, ec)) base = std::filesystem::temp_directory_path();
    path_ = (base / ("tripline-fuzz-" + std::string(name) + "-" + std::to_string(::getpid())))
                .string();
    std::filesystem::create_directories(path_, ec);
    if (ec) std::abort();  // nothing can be fuzzed without it: fail loudly, not silently
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

  // Empties the directory (the previous input's files must not leak into the next run).
  void clear() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }

  std::string write(const std::string& name, std::string_view bytes) const {
    const std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
  }

 private:
  std::string path_;
};

// Aborts (a crash libFuzzer reports and minimises) when a property the code promises is broken.
inline void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace tripline::fuzz
