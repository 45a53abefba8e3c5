#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/alert.h"
#include "core/event.h"
#include "rules/severity/severity_policy.h"
#include "rules/state/persistent_state.h"

namespace tripline::baseline {

// What a baseline's alerts are made of, fixed when the rule set is compiled.
struct BaselineInfo {
  std::string id;  // alert rule_id: the document's id, else its name
  std::string name;
  std::string title;
  std::string level;
  std::string runbook;
  std::vector<std::string> tags;
  SeverityPolicy::RuleSeverity severity;
  std::shared_ptr<const SeverityPolicy> policy;  // owns what `severity` points into
};

// A referenced rule's matches count towards the total (rate_spike, first_seen, ratio's
// denominator) or towards the part (ratio's numerator).
enum class Role { kCount, kPart };

// One match of a referenced rule as a baseline sees it.
struct Observation {
  const Event& event;
  Role role;
  TimePoint time;        // event time: replay gives what live tailing gave
  std::string_view key;  // the group-by values, joined: the state key
  const std::vector<std::pair<std::string, std::string>>& group;
  std::string_view value;  // first_seen: the tracked value
};

// One compiled baseline rule of a given type (rate_spike.h, first_seen.h, ratio.h). Its state
// lives in a bounded keyed store (rules/state/) owned by the agent's state registry, so it
// survives reloads of an unchanged rule and restarts. Thread-safe; never throws but bad_alloc.
class BaselineRule {
 public:
  explicit BaselineRule(BaselineInfo info) : info_(std::move(info)) {}
  virtual ~BaselineRule() = default;

  virtual void observe(const Observation& o, std::vector<Alert>& alerts) = 0;
  // Time passed (event time in replay, wall clock live): forget keys that no longer matter.
  virtual void advance(TimePoint now) = 0;
  virtual std::shared_ptr<state::PersistentState> state() const = 0;

  const BaselineInfo& info() const { return info_; }

 protected:
  // The alert of one firing: the event's shared parts, the baseline's identity and grade, the
  // group, and an alert_id from the rule id, the key and `id_seed` (window or value).
  Alert make_alert(const Observation& o, std::string_view id_seed, uint64_t count) const;

  BaselineInfo info_;
};

// Fixed windows aligned on the epoch, so every agent and every replay cuts the same ones.
int64_t window_index(TimePoint t, std::chrono::milliseconds window);
TimePoint window_start(int64_t index, std::chrono::milliseconds window);

}  // namespace tripline::baseline
