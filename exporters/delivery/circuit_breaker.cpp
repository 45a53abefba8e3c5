#include "exporters/delivery/circuit_breaker.h"

namespace tripline {

bool CircuitBreaker::allow(Clock::time_point now) {
  if (state_ == State::kOpen && now - opened_at_ >= options_.open_for) state_ = State::kHalfOpen;
  return state_ != State::kOpen;
}

CircuitBreaker::Clock::duration CircuitBreaker::wait_time(Clock::time_point now) const {
  if (state_ != State::kOpen) return Clock::duration::zero();
  const auto until = opened_at_ + options_.open_for;
  return until > now ? until - now : Clock::duration::zero();
}

void CircuitBreaker::record_success() {
  state_ = State::kClosed;
  failures_ = 0;
}

bool CircuitBreaker::record_failure(Clock::time_point now) {
  ++failures_;
  const bool opens = state_ == State::kHalfOpen ||
                     (state_ == State::kClosed && failures_ >= options_.failure_threshold);
  if (opens) {
    state_ = State::kOpen;
    opened_at_ = now;
  }
  return opens;
}

}  // namespace tripline
