#include "rules/baseline/baseline_engine.h"

namespace tripline::baseline {
namespace {

// Reads `refs` into `key` (values joined by 0x1f) and, when given, `group`; false when one is
// absent or null.
bool read_fields(const Event& event, const std::vector<sigma::FieldRef>& refs, std::string& key,
                 std::vector<std::pair<std::string, std::string>>* group) {
  for (size_t i = 0; i < refs.size(); ++i) {
    const FieldValue* v = sigma::resolve(event, refs[i]);
    if (!v || v->is_null()) return false;
    if (i) key += '\x1f';
    key += v->text;
    if (group) group->emplace_back(refs[i].name, v->text);
  }
  return true;
}

}  // namespace

BaselineEngine::BaselineEngine(std::vector<std::unique_ptr<BaselineRule>> rules,
                               std::vector<std::vector<Watch>> watches_by_rule_index)
    : rules_(std::move(rules)), watches_(std::move(watches_by_rule_index)) {}

void BaselineEngine::on_match(const sigma::CompiledRule& rule, const Event& event,
                              std::vector<Alert>& alerts) {
  if (rule.index >= watches_.size()) return;
  for (const Watch& w : watches_[rule.index]) {
    try {
      std::string key;
      std::vector<std::pair<std::string, std::string>> group;
      if (!read_fields(event, w.group_by, key, &group)) continue;
      std::string value;
      if (!w.value.empty() && !read_fields(event, w.value, value, nullptr)) continue;
      const Observation o{event, w.role, event.event_time(), key, group, value};
      w.rule->observe(o, alerts);
    } catch (...) {
      // Allocation failure: this baseline misses this match; the others go on.
    }
  }
}

void BaselineEngine::advance(TimePoint now, std::vector<Alert>&) {
  for (const auto& r : rules_) {
    try {
      r->advance(now);
    } catch (...) {
      // Allocation failure while sweeping: retried at the next window.
    }
  }
}

void BaselineEngine::finish(std::vector<Alert>&) {}

}  // namespace tripline::baseline
