#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/logsource.h"

namespace tripline {

struct ReplayOptions {
  std::vector<std::string> rule_paths;
  // --config FILE: the `rules` section (severity policy, approved changes, limits,
  // placeholders) comes from it; its rule paths are used when no --rules is given.
  std::string config_path;
  std::string format = "auto";
  std::optional<LogSource> logsource;
  std::vector<std::string> files;
  bool progress = true;  // shown only when stderr is a terminal
};

// Parses `replay` arguments; on a usage error returns false and sets `error`.
bool parse_replay_options(const std::vector<std::string>& args, ReplayOptions& out,
                          std::string& error);
// "aws/cloudtrail", "linux", or "product=P,service=S,category=C".
bool parse_logsource_arg(const std::string& text, LogSource& out);

}  // namespace tripline
