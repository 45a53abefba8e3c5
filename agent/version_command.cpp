#include <iostream>

#include "agent/commands.h"
#include "core/version.h"

namespace tripline {

int version_command(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "usage: tripline version\n";
    return kExitUsage;
  }
  std::cout << "tripline " << kVersion << "\n";
  return kExitOk;
}

}  // namespace tripline
