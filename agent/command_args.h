#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tripline {

// Accepts exactly `[-c FILE]` / `[--config FILE]` / `[--config=FILE]`.
bool parse_config_flag(const std::vector<std::string>& args, std::optional<std::string>& path);

}  // namespace tripline
