#pragma once
#include "core/event.h"

namespace tripline {

// Turns one framed record (a line, a CloudTrail record) into fields. Parsers are stateless after
// construction and safe to share between threads.
class Parser {
 public:
  virtual ~Parser() = default;

  // Sets body kind, fields, event time and, where the record says more than the input does
  // (an sshd line in auth.log), the logsource of `event`, which holds the record's raw bytes.
  // Returns false when the record does not parse; the event stays usable as a raw message and
  // the caller counts it in tripline_parse_errors_total. Never throws.
  virtual bool parse(Event& event) const = 0;
};

}  // namespace tripline
