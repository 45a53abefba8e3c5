#include "agent/config_source.h"

#include <filesystem>

namespace tripline {
namespace fs = std::filesystem;

std::string ConfigSource::directory() const {
  if (path.empty()) {
    // The embedded default mirrors /etc/tripline/tripline.yaml, so its relative paths (rules.d)
    // mean the same as there.
    return "/etc/tripline";
  }
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  return (ec ? fs::path(path) : abs).parent_path().string();
}

ConfigSource resolve_config_source(const std::optional<std::string>& explicit_path) {
  if (explicit_path) return {*explicit_path};
  for (const char* candidate : {"config/tripline.yaml", "/etc/tripline/tripline.yaml"}) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return {candidate};
  }
  return {};
}

Config load_config(const ConfigSource& source, Diagnostics& diags) {
  if (source.path.empty()) return load_config_text(embedded_default_config(), "<embedded>", diags);
  return load_config_file(source.path, diags);
}

}  // namespace tripline
