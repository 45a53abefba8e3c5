#include "agent/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace tripline {

ProgressBar::ProgressBar(bool wanted) : enabled_(wanted && isatty(STDERR_FILENO)) {}

void ProgressBar::update(const std::string& label, uint64_t done, uint64_t total,
                         uint64_t events) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  const double fraction = total ? std::min(1.0, static_cast<double>(done) / total) : 0.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r[%s] %3d%% %llu events  %s\x1b[K", bar.c_str(),
               static_cast<int>(fraction * 100), static_cast<unsigned long long>(events),
               label.c_str());
  std::fflush(stderr);
}

void ProgressBar::clear() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\x1b[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace tripline
