#include "exporters/delivery/backoff.h"

#include <gtest/gtest.h>

#include <set>

#include "exporters/delivery/circuit_breaker.h"

namespace tripline {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, WithoutJitterDoublesUpToTheMaximum) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0, 0.0});
  EXPECT_EQ(b.next(), milliseconds(100));
  EXPECT_EQ(b.next(), milliseconds(200));
  EXPECT_EQ(b.next(), milliseconds(400));
  EXPECT_EQ(b.next(), milliseconds(800));
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(1000));
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(100));
}

TEST(Backoff, JitterStaysWithinItsFractionAndVaries) {
  Backoff b({milliseconds(1000), milliseconds(1000), 2.0, 0.5}, 42);
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    const auto d = b.next();
    EXPECT_GE(d, milliseconds(500));
    EXPECT_LE(d, milliseconds(1000));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(CircuitBreaker, OpensAfterThresholdAndHalfOpensAfterTheWait) {
  CircuitBreaker cb({3, milliseconds(1000)});
  const auto t0 = CircuitBreaker::Clock::now();
  EXPECT_FALSE(cb.record_failure(t0));
  EXPECT_FALSE(cb.record_failure(t0));
  EXPECT_TRUE(cb.allow(t0));
  EXPECT_TRUE(cb.record_failure(t0));
  EXPECT_FALSE(cb.allow(t0 + milliseconds(999)));
  EXPECT_EQ(cb.wait_time(t0 + milliseconds(400)), milliseconds(600));
  EXPECT_TRUE(cb.allow(t0 + milliseconds(1000)));
  EXPECT_EQ(cb.state(), CircuitBreaker::State::kHalfOpen);
  // One failure while half-open opens it again at once.
  EXPECT_TRUE(cb.record_failure(t0 + milliseconds(1000)));
  EXPECT_FALSE(cb.allow(t0 + milliseconds(1500)));
  EXPECT_TRUE(cb.allow(t0 + milliseconds(2000)));
  cb.record_success();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::kClosed);
  EXPECT_FALSE(cb.record_failure(t0 + milliseconds(2000)));
}

}  // namespace
}  // namespace tripline
