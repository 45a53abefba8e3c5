#pragma once
#include <simdjson.h>

#include <chrono>
#include <memory>

#include "core/json_writer.h"
#include "rules/baseline/baseline_rule.h"
#include "rules/state/keyed_store.h"

namespace tripline::baseline {

// `type: first_seen`: per key, the values of `field` seen so far. A key learns for `learning`
// (event time) from its first event; afterwards a value it has never shown fires once (a new
// source IP, country or user agent for a principal; a new API call for a role). Keys and
// (key, value) pairs share the rule's max_keys bound: an evicted pair is learned anew, an
// evicted key learns again (it never fires for values it shows while learning).
struct FirstSeenParams {
  std::vector<std::string> fields;
  std::chrono::milliseconds learning{0};
};

struct FirstSeenCell {
  int64_t first_ms = 0;
  int64_t last_ms = 0;

  size_t memory_bytes() const { return 0; }
  void encode(JsonWriter& w) const;
  bool decode(simdjson::dom::element e);
};

class FirstSeen : public BaselineRule {
 public:
  using Store = state::KeyedStore<FirstSeenCell>;
  FirstSeen(BaselineInfo info, FirstSeenParams params, std::shared_ptr<Store> store);

  void observe(const Observation& o, std::vector<Alert>& alerts) override;
  void advance(TimePoint) override {}
  std::shared_ptr<state::PersistentState> state() const override { return store_; }

 private:
  FirstSeenParams params_;
  std::shared_ptr<Store> store_;
};

}  // namespace tripline::baseline
