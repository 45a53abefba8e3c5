#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "collectors/parsers/parser.h"

namespace prometheus {
class Counter;
}

namespace tripline {

// Turns the records of one whole object (a CloudTrail delivery file, an S3 object, a webhook
// request) into events and hands them to the pipeline in batches. The object counts as done only
// once its last batch is committed: that is where its checkpoint may advance.
class ObjectEmitter {
 public:
  ObjectEmitter(std::shared_ptr<const InputInfo> input, std::shared_ptr<const Parser> parser,
                size_t batch_size);

  // Emits `records` (consumed) with positions (origin, index). `on_complete` runs exactly once,
  // on a pipeline thread after the last batch is committed, or inline when there are no records.
  // Returns false when the pipeline shut down before every batch was accepted; `on_complete`
  // then never runs and the object must be read again after a restart.
  bool emit(BatchConsumer& out, const std::string& origin, std::vector<std::string>& records,
            std::function<void()> on_complete) const;

  const InputInfo& input() const { return *input_; }

 private:
  std::shared_ptr<const InputInfo> input_;
  std::shared_ptr<const Parser> parser_;
  size_t batch_size_;
  prometheus::Counter& events_;
  prometheus::Counter& parse_errors_;
};

}  // namespace tripline
