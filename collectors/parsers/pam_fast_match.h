#pragma once
#include <string_view>

#include "collectors/parsers/fast_groups.h"

namespace tripline {

// The two PAM failure messages of a brute-force run (module prefix removed), as parse_pam_message
// compiles them with RE2. ruser is matched lazily and rhost must be followed by the end or user=:
// a user or ruser value carrying " rhost=..." (attacker-chosen names) cannot move the real rhost.
inline constexpr std::string_view kPamAuthFailurePattern =
    R"(authentication failure; logname=(\S*) uid=\d* euid=\d* tty=(\S*) ruser=(.*?) )"
    R"(rhost=(\S*)(?:\s+user=(.*?))?\s*)";
inline constexpr std::string_view kPamMoreFailuresPattern =
    R"(PAM (\d+) more authentication failures?; logname=(\S*) uid=\d* euid=\d* tty=(\S*) )"
    R"(ruser=(.*?) rhost=(\S*)(?:\s+user=(.*?))?\s*)";

// Same contract as sshd_fast_match.h: true with exactly the groups a whole-text RE2 match of the
// pattern gives; false means "not decided here" and the caller runs RE2.
bool fast_match_pam_auth_failure(std::string_view m, FastGroups& out);
bool fast_match_pam_more_failures(std::string_view m, FastGroups& out);

}  // namespace tripline
