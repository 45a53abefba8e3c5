#include "exporters/alertmanager/alertmanager_sink.h"
#include "exporters/file/file_sink.h"
#include "exporters/nats/nats_sink.h"
#include "exporters/sink_registry.h"
#include "exporters/stdout/stdout_sink.h"
#include "exporters/syslog/syslog_sink.h"
#include "exporters/webhook/webhook_sink.h"

namespace tripline {

void register_builtin_sinks(SinkRegistry& registry) {
  registry.add("alertmanager", &create_alertmanager_sink);
  registry.add("file", &create_file_sink);
  registry.add("nats", &create_nats_sink);
  registry.add("stdout", &create_stdout_sink);
  registry.add("syslog", &create_syslog_sink);
  registry.add("webhook", &create_webhook_sink);
}

}  // namespace tripline
