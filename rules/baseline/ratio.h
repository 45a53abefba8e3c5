#pragma once
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "core/json_writer.h"
#include "rules/baseline/baseline_rule.h"
#include "rules/state/keyed_store.h"

namespace tripline::baseline {

// `type: ratio`: per key and fixed window, the matches of `rules` are the total and those of
// `numerator` the part (e.g. CloudTrail calls with an errorCode among all of a principal's
// calls). It fires once per window, as soon as the total reaches `min_total` and part/total
// exceeds `threshold`. The numerator's events should be a subset of the total's.
struct RatioParams {
  std::chrono::milliseconds window{0};
  double threshold = 0.5;
  uint64_t min_total = 1;
};

struct RatioCell {
  int64_t window = 0;
  uint64_t total = 0;
  uint64_t part = 0;
  bool fired = false;

  size_t memory_bytes() const { return 0; }
  void encode(JsonWriter& w) const;
  bool decode(simdjson::dom::element e);
};

class Ratio : public BaselineRule {
 public:
  using Store = state::KeyedStore<RatioCell>;
  Ratio(BaselineInfo info, RatioParams params, std::shared_ptr<Store> store);

  void observe(const Observation& o, std::vector<Alert>& alerts) override;
  void advance(TimePoint now) override;
  std::shared_ptr<state::PersistentState> state() const override { return store_; }

 private:
  RatioParams params_;
  std::shared_ptr<Store> store_;
  std::atomic<int64_t> swept_window_{INT64_MIN};
};

}  // namespace tripline::baseline
