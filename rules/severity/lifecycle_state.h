#pragma once
#include <array>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/alert.h"
#include "rules/severity/lifecycle_config.h"
#include "rules/state/persistent_state.h"

namespace tripline {

// The alert lifecycle's tables (rules/severity/alert_lifecycle.h): dedup ids, and per rule +
// group the throttle window and escalation firings. Held by the agent's state registry, so a
// SIGHUP reload hands them to the new rule set: open throttle windows still send their summary,
// dedup and escalation carry on. Memory only (never dirty, nothing written to state_dir): after
// a restart, duplicates are for alert_id-idempotent sinks to drop. Guarded by the shard mutexes.
class LifecycleState final : public state::PersistentState {
 public:
  struct GroupState {
    std::string rule_id;
    ThrottleSpec throttle;
    bool open = false;
    TimePoint start{}, end{};
    uint64_t passed = 0;
    uint64_t suppressed = 0;
    uint64_t suppressed_events = 0;
    Sev most_urgent_passed = Sev::kSev4;
    std::optional<Alert> sample;     // first alert held back: what the summary describes
    std::vector<TimePoint> firings;  // ring of the last escalation.count firing times
    size_t next_firing = 0;
    std::list<std::string>::iterator lru;
  };
  struct Shard {
    std::mutex mutex;
    // alert_id → when it was last sent, and the number of the id_order entry that recorded it.
    struct IdSeen {
      TimePoint time{};
      uint64_t seq = 0;
    };
    using Ids = std::unordered_map<std::string, IdSeen>;
    // Sends in arrival order. An entry points at its id's key in `ids` (node keys never move);
    // an id is erased only when the entry with its latest seq leaves, which is the last entry
    // pointing at it, so no entry outlives its key.
    struct IdOrder {
      TimePoint time{};
      uint64_t seq = 0;
      Ids::value_type* id = nullptr;
    };
    Ids ids;
    std::deque<IdOrder> id_order;
    uint64_t next_seq = 0;
    TimePoint id_watermark{};
    std::unordered_map<std::string, GroupState> groups;
    std::list<std::string> group_lru;           // most recent first
    std::multimap<TimePoint, std::string> due;  // window end → group key, when it held alerts
  };
  static constexpr size_t kShards = 16;

  ~LifecycleState() override;

  std::array<Shard, kShards> shards;

  std::string encode() const override { return "{}"; }
  bool decode(std::string_view, std::string&) override { return true; }
  bool dirty() const override { return false; }
  void set_dirty() override {}
  void publish_metrics() override {}
};

}  // namespace tripline
