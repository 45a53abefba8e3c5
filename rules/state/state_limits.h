#pragma once
#include <cstddef>
#include <cstdint>

namespace tripline::state {

// Bounds of one rule's keyed state (correlation groups, baseline keys). A store never holds more
// than `max_keys` keys: inserting into a full shard evicts that shard's least recently used key
// and counts it in tripline_state_evictions_total, so a flood of distinct keys (1M spoofed
// source IPs) costs evictions, never memory past the bound.
struct StateLimits {
  size_t max_keys = 50'000;
  // Independent LRU shards; a key's shard is fixed by its hash. More shards let more worker
  // threads update state at once; LRU order is exact within a shard, approximate across them.
  size_t shards = 16;
};

}  // namespace tripline::state
