#include <string>
#include <vector>

#include "agent/cli.h"

int main(int argc, char** argv) {
  return tripline::cli_main(std::vector<std::string>(argv + 1, argv + argc));
}
