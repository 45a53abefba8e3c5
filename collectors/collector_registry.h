#pragma once
#include <functional>
#include <memory>
#include <string>

#include "collectors/collector.h"
#include "config/config.h"
#include "core/diagnostic.h"
#include "core/registry.h"

namespace tripline {

// What a collector needs from the agent besides its own config.
struct CollectorContext {
  std::string host;
  std::string state_dir;   // checkpoints live below <state_dir>/checkpoints/
  std::string config_dir;  // relative paths in the config resolve against it
};

// Validates the input's config (reporting every problem, unknown keys included, to `diags`) and
// builds the collector without starting it. Returns nullptr when the config has errors.
using CollectorFactory = std::function<std::unique_ptr<Collector>(
    const InputConfig&, const CollectorContext&, Diagnostics&)>;
using CollectorRegistry = Registry<CollectorFactory>;

void register_builtin_collectors(CollectorRegistry& registry);

}  // namespace tripline
