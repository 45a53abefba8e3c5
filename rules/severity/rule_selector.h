#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_map.h"

namespace tripline {

// Which rules a lifecycle setting (throttle, escalation, approved change) applies to: `rule:`
// ids or names and/or `tag:` tags (`attack.t1098*` matches a tag prefix). Both lists are
// any-of; both given means both must hold; neither means every rule.
struct RuleSelector {
  std::vector<std::string> rules;
  std::vector<std::string> tags;

  // Reads the `rule` and `tag` keys of `m` (a string or a list each).
  void read(YamlMap& m);
  bool empty() const { return rules.empty() && tags.empty(); }
  bool matches(std::string_view id, std::string_view name,
               const std::vector<std::string>& rule_tags) const;
};

// `pattern` equals `tag`, or ends in '*' and prefixes it.
bool tag_pattern_matches(std::string_view pattern, std::string_view tag);

}  // namespace tripline
