#include "exporters/delivery/backoff.h"

#include <algorithm>
#include <cmath>

namespace tripline {

Backoff::Backoff(const BackoffOptions& options, uint64_t seed) : options_(options), rng_(seed) {}

std::chrono::milliseconds Backoff::next() {
  const double initial = static_cast<double>(options_.initial.count());
  const double max = static_cast<double>(options_.max.count());
  const double base =
      std::min(max, initial * std::pow(options_.multiplier, static_cast<double>(attempt_)));
  if (base < max) ++attempt_;
  const double jitter = std::clamp(options_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double delay = base * (1.0 - jitter) + base * jitter * unit(rng_);
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(delay)));
}

}  // namespace tripline
