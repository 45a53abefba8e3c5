#include "collectors/collector_registry.h"

namespace tripline {

void register_builtin_collectors(CollectorRegistry& registry) { (void)registry; }

}  // namespace tripline
