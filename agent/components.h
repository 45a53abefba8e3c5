#pragma once
#include <memory>
#include <vector>

#include "collectors/collector.h"
#include "collectors/collector_registry.h"
#include "config/config.h"
#include "core/diagnostic.h"
#include "exporters/privacy/alert_redactor.h"
#include "exporters/sink.h"
#include "exporters/sink_registry.h"

namespace tripline {

// Builds (without starting) every input and output of a config through the built-in
// registries. Problems go to `diags`; components whose config has errors are left out.
std::vector<std::unique_ptr<Collector>> build_collectors(const Config& config,
                                                         const std::string& config_dir,
                                                         Diagnostics& diags);
// With `validate_only` the sinks only check their config: no spool is opened, nothing connects.
std::vector<std::unique_ptr<Sink>> build_sinks(const Config& config, const std::string& config_dir,
                                               Diagnostics& diags, bool validate_only = false);

// The `privacy` section as the filter every alert passes before the sinks; nullptr when the
// config has none (or it has errors, reported in `diags`).
std::shared_ptr<const AlertRedactor> build_redactor(const Config& config,
                                                    const std::string& config_dir,
                                                    Diagnostics& diags);

}  // namespace tripline
