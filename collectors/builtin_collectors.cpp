#include "collectors/collector_registry.h"
#include "collectors/file_tail.h"

namespace tripline {

void register_builtin_collectors(CollectorRegistry& registry) {
  registry.add("file", make_file_tail_collector);
}

}  // namespace tripline
