#include "agent/command_args.h"

namespace tripline {

bool parse_config_flag(const std::vector<std::string>& args, std::optional<std::string>& path) {
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size() && !path) {
      path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0 && !path) {
      path = args[i].substr(9);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace tripline
