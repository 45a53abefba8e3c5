#include "rules/severity/rule_selector.h"

#include <algorithm>

namespace tripline {

bool tag_pattern_matches(std::string_view pattern, std::string_view tag) {
  if (!pattern.empty() && pattern.back() == '*') {
    return tag.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return pattern == tag;
}

void RuleSelector::read(YamlMap& m) {
  m.get("rule", rules);
  m.get("tag", tags);
}

bool RuleSelector::matches(std::string_view id, std::string_view name,
                           const std::vector<std::string>& rule_tags) const {
  if (!rules.empty() && std::none_of(rules.begin(), rules.end(), [&](const std::string& r) {
        return r == id || (!name.empty() && r == name);
      })) {
    return false;
  }
  if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& p) {
        return std::any_of(rule_tags.begin(), rule_tags.end(),
                           [&](const std::string& t) { return tag_pattern_matches(p, t); });
      })) {
    return false;
  }
  return true;
}

}  // namespace tripline
