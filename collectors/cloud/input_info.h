#pragma once
#include <memory>
#include <string>

#include "collectors/collector_registry.h"
#include "config/config.h"
#include "core/event.h"

namespace tripline {

// The InputInfo of a cloud input: its name, the agent's host, the configured logsource (or
// `default_logsource` when the config declares none) and its static fields.
std::shared_ptr<const InputInfo> make_input_info(const InputConfig& config,
                                                 const CollectorContext& context,
                                                 const LogSource& default_logsource);

// A path from the config, resolved against the config file's directory when relative.
std::string resolve_config_path(const std::string& path, const CollectorContext& context);

}  // namespace tripline
