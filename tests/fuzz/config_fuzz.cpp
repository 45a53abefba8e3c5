// Config loader: a tripline.yaml read and validated the way `tripline check` does it — the
// common schema, then every input's and output's own keys through the built-in factories of the
// collector and sink registries (outputs in validate-only mode: no spool, no connection; inputs
// built but not started), the metrics endpoint, and the rule engine's severity policy and limits.
// Properties: a bad config is a list of file:line diagnostics, never an exception or a crash.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <string>

#include "collectors/collector_registry.h"
#include "config/config.h"
#include "exporters/sink_registry.h"
#include "exporters/prometheus/metrics_server.h"
#include "rules/lua/lua_limits.h"
#include "rules/severity/severity_policy.h"
#include "rules/sigma/engine_limits.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tripline;
  // Relative paths in the config (TLS files, rule paths) resolve below a private directory.
  static const fuzz::ScratchDir dir("config");
  const std::string text(reinterpret_cast<const char*>(data), size);

  Diagnostics diags;
  Config config;
  try {
    config = load_config_text(text, "fuzz.yaml", diags);
  } catch (...) {
    std::abort();  // config errors are diagnostics
  }
  for (const Diagnostic& d : diags.items) {
    fuzz::check(d.file == "fuzz.yaml" || !d.file.empty());
    d.to_string();
  }
  if (diags.has_errors()) return 0;

  // The registries are what agent/components.cpp builds from; the agent library itself is not
  // linked so this target builds without the daemon's code.
  static const auto registries = [] {
    auto r = std::make_unique<std::pair<CollectorRegistry, SinkRegistry>>(
        CollectorRegistry("input type"), SinkRegistry("output type"));
    register_builtin_collectors(r->first);
    register_builtin_sinks(r->second);
    return r;
  }();
  const CollectorContext inputs{"fuzz-host", dir.path() + "/state", dir.path()};
  for (const InputConfig& input : config.inputs) {
    if (const auto* factory = registries->first.find(input.type)) (*factory)(input, inputs, diags);
  }
  const SinkContext outputs{"fuzz-host", dir.path() + "/state", dir.path(), /*validate_only=*/true};
  for (const OutputConfig& output : config.outputs) {
    if (const auto* factory = registries->second.find(output.type)) {
      (*factory)(output, outputs, diags);
    }
  }
  MetricsServer::validate(config.metrics, diags);
  SeverityPolicy::read(config.rules.severity, config.file, diags);
  sigma::read_limits(config.rules.limits, config.file, diags);
  const YAML::Node& limits = config.rules.limits;
  read_lua_limits(limits && limits.IsMap() ? limits["lua"] : YAML::Node(), config.file, diags);
  for (const Diagnostic& d : diags.items) d.to_string();
  return 0;
}
