#pragma once
#include <vector>

#include "collectors/parsers/parser.h"
#include "core/field.h"

namespace tripline {

// One JSON object per record (JSON lines, a CloudTrail record, a k8s audit event). Fields are not
// extracted here: the event reads them lazily when a rule asks. Only the event time is read.
class JsonlParser : public Parser {
 public:
  // Fields tried in order for the event time; empty = the built-in list (eventTime,
  // requestReceivedTimestamp, timestamp, @timestamp, time, ts).
  explicit JsonlParser(std::vector<std::string> time_fields = {});
  bool parse(Event& event) const override;

 private:
  std::vector<FieldPath> time_fields_;
};

}  // namespace tripline
