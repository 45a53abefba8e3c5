#pragma once
#include <string>
#include <vector>

namespace tripline {

// Dispatches `tripline <command> ...` and returns the process exit code.
int cli_main(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace tripline
