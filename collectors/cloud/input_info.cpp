#include "collectors/cloud/input_info.h"

namespace tripline {

std::shared_ptr<const InputInfo> make_input_info(const InputConfig& config,
                                                 const CollectorContext& context,
                                                 const LogSource& default_logsource) {
  auto info = std::make_shared<InputInfo>();
  info->name = config.name;
  info->host = context.host;
  info->logsource = config.logsource.empty() ? default_logsource : config.logsource;
  info->static_fields = config.fields;
  return info;
}

std::string resolve_config_path(const std::string& path, const CollectorContext& context) {
  if (path.empty() || path[0] == '/' || context.config_dir.empty()) return path;
  return context.config_dir + "/" + path;
}

}  // namespace tripline
