#pragma once
#include <string_view>

#include "collectors/parsers/fast_groups.h"

namespace tripline {

// The sshd message patterns that make up most of a busy server's auth log. SshdParser
// compiles them with RE2; the fast matchers below give the same submatches without RE2 for the
// usual shape of these lines.
inline constexpr std::string_view kSshdFailedPattern =
    R"(Failed (\S+) for (invalid user |illegal user )?(.*?) from (\S+)(?: port (\d+))?)"
    R"((?: (ssh\d?))?(?:: (.*))?)";
inline constexpr std::string_view kSshdAcceptedPattern =
    R"(Accepted (\S+) for (.*?) from (\S+) port (\d+)(?: (ssh\d?))?(?:: (.*))?)";
inline constexpr std::string_view kSshdInvalidUserPattern =
    R"((?:Invalid|Illegal) user (.*?) from (\S+)(?: port (\d+))?)";
inline constexpr std::string_view kSshdReceivedDisconnectPattern =
    R"(Received disconnect from (\S+)(?: port (\d+))?: ?(\d+): ?(.*))";
inline constexpr std::string_view kSshdMaxAttemptsPattern =
    R"(maximum authentication attempts exceeded for (invalid user |illegal user )?)"
    R"((.*?) from (\S+) port (\d+)(?: (ssh\d?))?)";

// "<what> (authenticating user|invalid user|user) NAME ADDR port N", where <what> is one of
// "Disconnected from ", "Connection closed by ", "Connection reset by ".
inline constexpr std::string_view kSshdUserEndingPattern =
    R"((authenticating user|invalid user|user) (.*) (\S+) port (\d+))";
// The key type and fingerprint after "Accepted publickey ... ssh2: ".
inline constexpr std::string_view kSshdKeyInfoPattern = R"((\S+) (\S+).*)";

// Each returns true with `out` holding exactly the groups a whole-text RE2 match of its pattern
// (Latin-1, leftmost-first, lazy and greedy as written) would give. False means "not decided
// here", never "no match": the caller then runs RE2. They decide only messages whose sole
// whitespace byte is the space, where `\S` is "not a space" and `.` is any byte.
bool fast_match_failed(std::string_view m, FastGroups& out);
bool fast_match_accepted(std::string_view m, FastGroups& out);
bool fast_match_invalid_user(std::string_view m, FastGroups& out);
bool fast_match_max_attempts(std::string_view m, FastGroups& out);
// Only lines with a port ("... from ADDR port N:CODE: reason"); the others go to RE2.
bool fast_match_received_disconnect(std::string_view m, FastGroups& out);
// `prefix` + kSshdUserEndingPattern.
bool fast_match_user_ending(std::string_view m, std::string_view prefix, FastGroups& out);
bool fast_match_key_info(std::string_view m, FastGroups& out);

}  // namespace tripline
