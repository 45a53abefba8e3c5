#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/sigma/rule_set.h"

namespace tripline::sigma {

// The rules one event logsource sees, indexed by the field literals they require: an event is
// only tested against rules whose required value it carries (plus those without one).
struct RoutePlan {
  struct Index {
    const FieldRef* field = nullptr;
    std::unordered_map<std::string, std::vector<uint32_t>> by_value;  // lower-cased literal
  };
  std::vector<Index> indexes;
  std::vector<uint32_t> unindexed;
  size_t rule_count = 0;  // rules routed to this logsource

  // Picks, for each rule, the required field most rules of this logsource share (so few fields
  // are read per event) and files the rule under each literal it accepts there.
  static RoutePlan build(const RuleSet& set, const LogSource& event_logsource);

  // Appends the indices of the rules `event` must be tested against, sorted, no duplicates.
  void candidates(const Event& event, std::vector<uint32_t>& out) const;
};

}  // namespace tripline::sigma
