#pragma once
#include <chrono>
#include <cstdint>
#include <random>

namespace tripline {

struct BackoffOptions {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
  double multiplier = 2.0;
  double jitter = 0.5;  // fraction of each delay that is randomised (0: none, 1: full jitter)
};

// Exponential backoff with jitter: the n-th delay is min(max, initial * multiplier^n), of which
// the `jitter` fraction is drawn uniformly, so many agents failing together do not retry in step.
class Backoff {
 public:
  explicit Backoff(const BackoffOptions& options, uint64_t seed = std::random_device{}());
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  BackoffOptions options_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace tripline
