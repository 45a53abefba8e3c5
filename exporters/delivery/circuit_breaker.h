#pragma once
#include <chrono>

namespace tripline {

struct CircuitBreakerOptions {
  int failure_threshold = 5;             // consecutive failures that open the circuit
  std::chrono::milliseconds open_for{30000};  // how long an open circuit refuses attempts
};

// Closed → (threshold consecutive failures) → open for `open_for` → half-open: one trial attempt;
// its success closes the circuit, its failure opens it again. Not thread-safe: one per delivery
// thread.
class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(const CircuitBreakerOptions& options) : options_(options) {}

  // True when an attempt may be made now (moves open → half-open once the wait is over).
  bool allow(Clock::time_point now);
  // Time left before allow() can return true (zero when it already can).
  Clock::duration wait_time(Clock::time_point now) const;
  void record_success();
  // True when this failure opened the circuit.
  bool record_failure(Clock::time_point now);
  State state() const { return state_; }

 private:
  CircuitBreakerOptions options_;
  State state_ = State::kClosed;
  int failures_ = 0;
  Clock::time_point opened_at_{};
};

}  // namespace tripline
