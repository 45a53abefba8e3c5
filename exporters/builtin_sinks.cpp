#include "exporters/sink_registry.h"

namespace tripline {

void register_builtin_sinks(SinkRegistry& registry) { (void)registry; }

}  // namespace tripline
