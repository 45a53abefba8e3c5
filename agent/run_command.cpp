#include <iostream>
#include <optional>

#include "agent/agent.h"
#include "agent/command_args.h"
#include "agent/commands.h"

namespace tripline {

int run_command(const std::vector<std::string>& args) {
  std::optional<std::string> config_path;
  if (!parse_config_flag(args, config_path)) {
    std::cerr << "usage: tripline run [-c FILE]\n";
    return kExitUsage;
  }
  Agent agent(resolve_config_source(config_path));
  return agent.run() == 0 ? kExitOk : kExitFailure;
}

}  // namespace tripline
