#pragma once
#include <optional>
#include <string>

#include "config/config.h"
#include "core/diagnostic.h"

namespace tripline {

// Which config `run` and `check` use: -c FILE when given; otherwise config/tripline.yaml in a
// source tree (relative to the working directory), then /etc/tripline/tripline.yaml when
// installed, then the copy compiled into the binary.
struct ConfigSource {
  std::string path;  // empty: the embedded default
  std::string directory() const;  // base for relative paths in the config
};

ConfigSource resolve_config_source(const std::optional<std::string>& explicit_path);
Config load_config(const ConfigSource& source, Diagnostics& diags);

}  // namespace tripline
