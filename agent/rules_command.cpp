#include <iostream>

#include "agent/commands.h"

namespace tripline {

int rules_command(const std::vector<std::string>& args) {
  (void)args;
  std::cerr << "usage: tripline rules lint|test PATH...\n";
  return kExitUsage;
}

}  // namespace tripline
