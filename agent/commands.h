#pragma once
#include <string>
#include <vector>

namespace tripline {

// Exit codes of every command (DESIGN §3).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Each takes the arguments after its command word.
int run_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int rules_command(const std::vector<std::string>& args);  // lint | test
int iam_command(const std::vector<std::string>& args);    // diff
int verify_command(const std::vector<std::string>& args);  // alert file chain
int version_command(const std::vector<std::string>& args);

}  // namespace tripline
