#include "collectors/cloudtrail_dir.h"
#include "collectors/collector_registry.h"

namespace tripline {

void register_builtin_collectors(CollectorRegistry& registry) {
  registry.add("cloudtrail", make_cloudtrail_dir_collector);
}

}  // namespace tripline
