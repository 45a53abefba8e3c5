#pragma once
#include <array>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/alert.h"
#include "core/event.h"
#include "rules/severity/lifecycle_config.h"
#include "rules/severity/lifecycle_state.h"
#include "rules/severity/severity_policy.h"

namespace tripline {

// What the lifecycle needs to know of a rule from its definition (Sigma, Lua, correlation,
// baseline), by alert rule_id.
struct LifecycleRule {
  std::string name;
  std::vector<std::string> tags;
  std::optional<ThrottleSpec> throttle;  // the rule's own `throttle:`
};

// DESIGN §5 alert lifecycle, applied to every alert between the rule engines and the sinks:
//   1. dedup: an alert_id already sent inside `dedup.window` (event time) is dropped;
//   2. change approval: an alert of a selected rule covered by an approved change is graded SEV4
//      and gets `change_id`;
//   3. escalation: the same rule + group firing `count` times within `within` is raised `raise`
//      grades (not past `max`); approved changes never escalate;
//   4. throttle (rule `throttle:` or the policy's): per rule + group, at most max_alerts per
//      window starting at the first alert; an alert more urgent than every one sent in the window
//      still goes out; when a window that held alerts back ends, ONE summary alert reports them.
// `ends_at`, ids and everything else an alert carries pass through unchanged.
//
// Time is the alerts' event time, so replaying an archive gives what live tailing gave. Windows
// end when a later alert of the same rule + group arrives or when advance(now) passes them.
// Thread-safe: state is sharded by alert_id and by rule + group, one short lock per alert; the
// tables are bounded (dedup.max_keys, max_groups) with LRU eviction counted in a metric, and an
// evicted throttle window still emits its summary. Never throws.
class AlertLifecycle {
 public:
  // `state` carries the tables over from the previous rule set (null: fresh tables).
  AlertLifecycle(std::shared_ptr<const SeverityPolicy> policy,
                 std::unordered_map<std::string, LifecycleRule> rules,
                 std::shared_ptr<LifecycleState> state = nullptr);

  // Rewrites alerts[from..]: the alerts rules produced for `event` (null when they came from
  // advance/finish). Dropped alerts are removed; summaries of windows they closed are appended.
  void process(std::vector<Alert>& alerts, size_t from, const Event* event);
  // Emits the summaries of throttle windows that ended at or before `now`.
  void advance(TimePoint now, std::vector<Alert>& out);
  // Emits the summaries of every throttle window still holding alerts back.
  void finish(std::vector<Alert>& out);

  const SeverityPolicy& policy() const { return *policy_; }

 private:
  struct RuleRuntime {
    std::string name;
    std::vector<std::string> tags;
    std::optional<ThrottleSpec> throttle;
    const LifecycleConfig::Escalation* escalation = nullptr;
    bool approvable = false;
  };
  using Shard = LifecycleState::Shard;
  using GroupState = LifecycleState::GroupState;
  static constexpr size_t kShards = LifecycleState::kShards;

  const RuleRuntime& runtime_for(const Alert& alert);
  RuleRuntime resolve(const std::string& id, const std::string& name,
                      const std::vector<std::string>& tags) const;
  bool duplicate(const Alert& alert);
  void approve(Alert& alert, const RuleRuntime& rule, const Event* event);
  // Escalation and throttle; false when the alert is held back. Summaries go to `out`.
  bool admit_group(Alert& alert, const RuleRuntime& rule, std::vector<Alert>& out);
  void close_window(Shard& shard, const std::string& key, GroupState& g, std::vector<Alert>& out);
  // Closes the windows of `s` due at or before `until` (their summaries go to `out`).
  void close_due(Shard& s, TimePoint until, std::vector<Alert>& out);
  Alert summary(const GroupState& g) const;
  void evict_groups(Shard& shard, std::vector<Alert>& out);

  std::shared_ptr<const SeverityPolicy> policy_;
  const LifecycleConfig& config_;
  std::unordered_map<std::string, RuleRuntime> known_;
  std::shared_mutex unknown_mutex_;
  std::unordered_map<std::string, std::unique_ptr<RuleRuntime>> unknown_;
  std::shared_ptr<LifecycleState> state_;
  std::array<Shard, kShards>& shards_;
  size_t dedup_max_per_shard_;
  size_t groups_max_per_shard_;
};

// A stable key for one rule + group pair (also what summary alert ids are derived from).
std::string group_key(const Alert& alert);

}  // namespace tripline
