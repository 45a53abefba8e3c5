#pragma once
#include <memory>
#include <vector>

#include "rules/matcher.h"

namespace tripline {

// Several rule engines evaluated as one Matcher (Sigma and Lua rules of one load). Every event
// goes to each part in order and their alerts are appended in that order; advance() and finish()
// reach every part. Thread-safe when the parts are; never throws.
class MatcherSet : public Matcher {
 public:
  explicit MatcherSet(std::vector<std::shared_ptr<Matcher>> parts);

  void evaluate(const Event& event, std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;
  size_t rule_count() const override;

  const std::vector<std::shared_ptr<Matcher>>& parts() const { return parts_; }

 private:
  std::vector<std::shared_ptr<Matcher>> parts_;
};

}  // namespace tripline
