#include "agent/commands.h"

namespace tripline {

int replay_command(const std::vector<std::string>& args) {
  (void)args;
  return kExitUsage;
}

}  // namespace tripline
