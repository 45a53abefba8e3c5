#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace tripline {

// A one-line progress display on stderr, redrawn at most five times a second; silent unless
// stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool wanted);
  void update(const std::string& label, uint64_t done, uint64_t total, uint64_t events);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tripline
