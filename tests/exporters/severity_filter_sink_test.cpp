#include "exporters/severity_filter_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

// Records what reaches it; refuses while `refuse` is set.
class GradeRecordingSink : public Sink {
 public:
  explicit GradeRecordingSink(std::vector<std::string>& seen, bool& refuse)
      : seen_(seen), refuse_(refuse) {}
  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert> alerts) override {
    ++calls;
    if (refuse_) return false;
    for (const Alert& a : alerts) seen_.push_back(a.alert_id);
    return true;
  }
  int calls = 0;

 private:
  std::string name_ = "pager";
  std::vector<std::string>& seen_;
  bool& refuse_;
};

std::vector<Alert> graded(std::initializer_list<Sev> sevs) {
  std::vector<Alert> out;
  int n = 0;
  for (Sev s : sevs) {
    out.push_back(testing::make_alert(n++));
    out.back().sev = s;
  }
  return out;
}

TEST(SeverityFilterSink, PassesOnlyAlertsAtLeastAsUrgentAsTheThreshold) {
  std::vector<std::string> seen;
  bool refuse = false;
  SeverityFilterSink sink(std::make_unique<GradeRecordingSink>(seen, refuse), Sev::kSev2);
  EXPECT_EQ(sink.name(), "pager");
  const auto alerts = graded({Sev::kSev4, Sev::kSev0, Sev::kSev3, Sev::kSev2, Sev::kSev1});
  EXPECT_TRUE(sink.deliver(alerts));
  EXPECT_EQ(seen, (std::vector<std::string>{"alert-1", "alert-3", "alert-4"}));
}

TEST(SeverityFilterSink, ABatchWithNothingUrgentEnoughIsAcknowledgedWithoutCallingTheSink) {
  std::vector<std::string> seen;
  bool refuse = true;  // would make any real delivery fail
  auto inner = std::make_unique<GradeRecordingSink>(seen, refuse);
  GradeRecordingSink* raw = inner.get();
  SeverityFilterSink sink(std::move(inner), Sev::kSev1);
  EXPECT_TRUE(sink.deliver(graded({Sev::kSev4, Sev::kSev2})));
  EXPECT_EQ(raw->calls, 0);
}

TEST(SeverityFilterSink, ARefusalOfTheKeptAlertsIsPassedOnForTheDispatcherToRetry) {
  std::vector<std::string> seen;
  bool refuse = true;
  SeverityFilterSink sink(std::make_unique<GradeRecordingSink>(seen, refuse), Sev::kSev3);
  EXPECT_FALSE(sink.deliver(graded({Sev::kSev4, Sev::kSev3})));
  refuse = false;
  EXPECT_TRUE(sink.deliver(graded({Sev::kSev4, Sev::kSev3})));
  EXPECT_EQ(seen, (std::vector<std::string>{"alert-1"}));
}

}  // namespace
}  // namespace tripline
