#pragma once
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "core/diagnostic.h"
#include "core/registry.h"
#include "exporters/sink.h"

namespace tripline {

struct SinkContext {
  std::string host;
  std::string state_dir;   // spools live below <state_dir>/spool/
  std::string config_dir;  // relative paths in the config resolve against it
};

// Validates the output's config (unknown keys included) and builds the sink. nullptr on errors.
using SinkFactory = std::function<std::unique_ptr<Sink>(const OutputConfig&, const SinkContext&,
                                                        Diagnostics&)>;
using SinkRegistry = Registry<SinkFactory>;

void register_builtin_sinks(SinkRegistry& registry);

}  // namespace tripline
