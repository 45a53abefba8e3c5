#pragma once
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "core/json_writer.h"
#include "rules/baseline/baseline_rule.h"
#include "rules/state/keyed_store.h"

namespace tripline::baseline {

// `type: rate_spike`: per key, matches are counted in fixed windows and an EWMA of the counts of
// past windows is the key's baseline. Once the rule has watched for `warmup` windows, a key fires
// (once per window, as soon as it holds) when its current window's count reaches `min_count` and
// exceeds `factor` x baseline. Keys first seen after the warm-up start from a baseline of zero
// (the rule was watching and saw nothing from them); windows without matches pull the baseline
// down. An event older than its key's current window counts in the current one.
struct RateSpikeParams {
  std::chrono::milliseconds window{0};
  uint64_t warmup = 12;
  double factor = 3;
  uint64_t min_count = 10;
  double alpha = 0.15;
};

struct RateSpikeCell {
  int64_t window = 0;  // current window index (the rule record: the first window watched)
  uint64_t count = 0;
  double ewma = 0;
  bool fired = false;

  size_t memory_bytes() const { return 0; }
  void encode(JsonWriter& w) const;
  bool decode(simdjson::dom::element e);
};

class RateSpike : public BaselineRule {
 public:
  using Store = state::KeyedStore<RateSpikeCell>;
  RateSpike(BaselineInfo info, RateSpikeParams params, std::shared_ptr<Store> store);

  void observe(const Observation& o, std::vector<Alert>& alerts) override;
  void advance(TimePoint now) override;
  std::shared_ptr<state::PersistentState> state() const override { return store_; }

 private:
  // The EWMA after closing `cell`'s window and `gap` empty ones.
  double rolled(const RateSpikeCell& cell, int64_t gap) const;

  RateSpikeParams params_;
  std::shared_ptr<Store> store_;
  std::atomic<int64_t> swept_window_{INT64_MIN};
};

}  // namespace tripline::baseline
