#include "rules/rule_loader.h"

namespace tripline {
namespace {

class EmptyMatcher : public Matcher {
 public:
  void evaluate(const Event&, std::vector<Alert>&) override {}
  void advance(TimePoint, std::vector<Alert>&) override {}
  void finish(std::vector<Alert>&) override {}
  size_t rule_count() const override { return 0; }
};

}  // namespace

RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir) {
  (void)base_dir;
  RuleLoadResult result;
  if (!config.paths.empty()) {
    result.diagnostics.warning("rules.engine", config.mark.file, config.mark.line, 0,
                               "rule engine not built yet; no rules loaded");
  }
  result.matcher = std::make_shared<EmptyMatcher>();
  return result;
}

}  // namespace tripline
