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
  std::string state_dir;   // spools live below <state_dir>/spool/<sink name>/
  std::string config_dir;  // relative paths in the config resolve against it
  // `tripline check`: validate the config (files it names included) but open no spool, start no
  // thread and connect nowhere; the factory returns an inert sink on success.
  bool validate_only = false;
};

// Validates the output's config (unknown keys included) and builds the sink. nullptr on errors.
// Unless validate_only, the sink's spool is open and its delivery thread running on return.
using SinkFactory = std::function<std::unique_ptr<Sink>(const OutputConfig&, const SinkContext&,
                                                        Diagnostics&)>;
using SinkRegistry = Registry<SinkFactory>;

void register_builtin_sinks(SinkRegistry& registry);

}  // namespace tripline
