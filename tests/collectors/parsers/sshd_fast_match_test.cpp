#include "collectors/parsers/sshd_fast_match.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "collectors/parsers/re2_match.h"
#include "tests/collectors/parsers/fast_match_differential.h"

namespace tripline {
namespace {

using fast_match_test::Counts;
using fast_match_test::expect_same_as_re2;
using fast_match_test::FastFn;
using fast_match_test::random_lines;

// Lines assembled from the pieces these messages are made of, including the awkward ones: names
// holding " from ", addresses ending in ':', ports without digits, tabs, trailing junk.
std::vector<std::string> generated_lines(std::string_view head, size_t n,
                                         const std::vector<std::string>& starts) {
  static const std::vector<std::string> pieces = {
      " for ",      "invalid user ", "illegal user ", " from ", "from",   " port ", "port",
      "22",         "52144",         " ssh2",         " ssh",   "ssh1",   ": ",     ":",
      " ",          "  ",            "root",          "x y",    "1.2.3.4", "::1",   "fe80::1:",
      "10.0.0.1:",  "RSA SHA256:ab", "\t",            "\n",     "\r",      "[",     "é",
      "password",   "publickey",     "",              "ssh2: x",
      " from 203.0.113.7 port 52144 ssh2", " from ::1 port 22", " from 10.0.0.1: x",
      " from 192.0.2.1 port 1 ssh2: RSA SHA256:x"};
  // Half the lines start the way real ones do ("Failed password for "), so the parts after the
  // method are what varies.
  return random_lines(head, n, starts, pieces, 4242);
}

std::vector<std::string> typical_lines(std::string_view head) {
  const std::string h(head);
  return {h + "password for root from 203.0.113.7 port 52144 ssh2",
          h + "password for invalid user admin from 203.0.113.7 port 52150 ssh2",
          h + "password for illegal user admin from 203.0.113.7 port 52150 ssh2",
          h + "publickey for alice from 198.51.100.4 port 40022 ssh2: ED25519 SHA256:AbCdEf",
          h + "publickey for alice from 198.51.100.4 port 40022 ssh2: RSA SHA256:3q2+7w",
          h + "none for invalid user from 10.0.0.1 port 22 ssh2",
          h + "password for invalid user x from 10.0.0.1 port 1 ssh2 from 192.0.2.1 port 2 ssh2",
          h + "password for user with spaces from 2001:db8::1 port 22 ssh2",
          h + "password for root from fe80::1: whatever",
          h + "password for root from 10.0.0.1",
          h + "password for root from 10.0.0.1 port 22",
          h + "password for root from 10.0.0.1 ssh2",
          h + "password for root from 10.0.0.1 port ssh2",
          h + "keyboard-interactive/pam for root from 10.0.0.1 port 22 ssh2",
          h + "password for  from 10.0.0.1 port 22 ssh2",
          h + "password for root from 10.0.0.1 port 22 ssh2 trailing",
          h + "password for root\tfrom 10.0.0.1 port 22 ssh2",
          h + "user admin from 203.0.113.7 port 52150",
          h + "admin from 203.0.113.7",
          h + "admin from 203.0.113.7 port 22 ssh2"};
}

std::vector<std::string> user_ending_lines(std::string_view head) {
  const std::string h(head);
  return {h + "authenticating user test 162.149.221.7 port 61237",
          h + "invalid user a b 1.2.3.4 port 22",
          h + "user alice 10.0.0.1 port 22",
          h + "user  1.2.3.4 port 22",
          h + "user 1.2.3.4 port 22",
          h + "user x 1.2.3.4 port",
          h + "user x y port 22 port 23",
          h + "user x 1.2.3.4 port 22 ",
          h + "username x 1.2.3.4 port 2",
          h + "authenticating user a 1.2.3.4 port 1 2.3.4.5 port 2"};
}

std::vector<std::string> key_info_lines(std::string_view) {
  return {"RSA SHA256:3q2+7w", "ED25519 SHA256:AbCdEf trailing words", "RSA", " RSA x",
          "RSA  x", "RSA x ", "RSA\tx", "a b"};
}

std::vector<std::string> max_attempts_lines(std::string_view head) {
  const std::string h(head);
  return {h + "root from 203.0.113.7 port 52144 ssh2",
          h + "invalid user admin from 203.0.113.7 port 52150 ssh2",
          h + "illegal user admin from 203.0.113.7 port 52150",
          h + "user with spaces from 2001:db8::1 port 22 ssh2",
          h + "x from 10.0.0.1 port 1 ssh2 from 192.0.2.1 port 2 ssh2",
          h + "invalid user  from 10.0.0.1 port 22 ssh2",
          h + "root from 10.0.0.1",
          h + "root from 10.0.0.1 port ssh2",
          h + "root from 10.0.0.1 port 22 ssh2: x",
          h + "invalid user from 10.0.0.1 port 22"};
}

std::vector<std::string> received_disconnect_lines(std::string_view head) {
  const std::string h(head);
  return {h + "203.0.113.7 port 52144:11: Bye Bye",
          h + "203.0.113.7 port 52144:11:  two spaces",
          h + "2001:db8::1 port 22:11:Bye",
          h + "10.0.0.1 port 22: 3: com.jcraft.jsch.JSchException: Auth fail",
          h + "10.0.0.1 port 22:11:",
          h + "10.0.0.1 port 22:11: disconnected by user",
          h + "10.0.0.1: 11: Bye Bye",
          h + "::1:11: x",
          h + "10.0.0.1 port :11: x",
          h + "10.0.0.1 port 22:x: y",
          h + "10.0.0.1 port 22 :11: x"};
}

const std::vector<std::string> kDisconnectStarts = {
    "10.0.0.1 port 22:", "::1 port 2:", "10.0.0.1 port 22:11:", "1.2.3.4 port 5: 6: ",
    "10.0.0.1:", "x port ", ""};
const std::vector<std::string> kMaxAttemptsStarts = {"invalid user ", "illegal user ", "root",
                                                     "invalid user", ""};
const std::vector<std::string> kMethodStarts = {"password for ", "publickey for ", "none for ",
                                                "x:y for ", "password for invalid user ", ""};
const std::vector<std::string> kQualifierStarts = {"authenticating user ", "invalid user ",
                                                   "user ", "user", ""};

struct Case {
  std::string pattern;
  FastFn fast;
  std::vector<std::string_view> heads;
  std::vector<std::string> (*typical)(std::string_view);
  const std::vector<std::string>* starts;
  size_t min_typical;
};

TEST(SshdFastMatchTest, AgreesWithRe2OnEveryLineItDecides) {
  const auto ending = [](std::string_view prefix) {
    return std::string(prefix) + std::string(kSshdUserEndingPattern);
  };
  const Case cases[] = {
      {std::string(kSshdFailedPattern), fast_match_failed, {"Failed "}, typical_lines,
       &kMethodStarts, 4},
      {std::string(kSshdAcceptedPattern), fast_match_accepted, {"Accepted "}, typical_lines,
       &kMethodStarts, 4},
      {std::string(kSshdInvalidUserPattern), fast_match_invalid_user,
       {"Invalid user ", "Illegal user "}, typical_lines, &kQualifierStarts, 4},
      {ending("Disconnected from "),
       [](std::string_view m, FastGroups& f) {
         return fast_match_user_ending(m, "Disconnected from ", f);
       },
       {"Disconnected from "}, user_ending_lines, &kQualifierStarts, 5},
      {ending("Connection closed by "),
       [](std::string_view m, FastGroups& f) {
         return fast_match_user_ending(m, "Connection closed by ", f);
       },
       {"Connection closed by "}, user_ending_lines, &kQualifierStarts, 5},
      {ending("Connection reset by "),
       [](std::string_view m, FastGroups& f) {
         return fast_match_user_ending(m, "Connection reset by ", f);
       },
       {"Connection reset by "}, user_ending_lines, &kQualifierStarts, 5},
      {std::string(kSshdKeyInfoPattern), fast_match_key_info, {""}, key_info_lines,
       &kMethodStarts, 4},
      {std::string(kSshdReceivedDisconnectPattern), fast_match_received_disconnect,
       {"Received disconnect from "}, received_disconnect_lines, &kDisconnectStarts, 6},
      {std::string(kSshdMaxAttemptsPattern), fast_match_max_attempts,
       {"maximum authentication attempts exceeded for "}, max_attempts_lines, &kMaxAttemptsStarts,
       6},
  };
  for (const Case& c : cases) {
    const RE2 re(c.pattern, line_pattern_options());
    ASSERT_TRUE(re.ok()) << c.pattern;
    for (std::string_view head : c.heads) {
      Counts typical;
      for (const std::string& m : c.typical(head)) expect_same_as_re2(re, c.fast, m, typical);
      // The usual lines are decided here, not handed to RE2.
      EXPECT_GE(typical.decided, c.min_typical) << c.pattern << " " << head;
      Counts random;
      for (const std::string& m : generated_lines(head, 60000, *c.starts)) {
        expect_same_as_re2(re, c.fast, m, random);
      }
      EXPECT_GT(random.decided, 100u) << c.pattern << " " << head;
      if (HasFailure()) return;
    }
  }
}

TEST(SshdFastMatchTest, LeavesLinesWithOtherWhitespaceToRe2) {
  FastGroups f;
  EXPECT_FALSE(fast_match_failed("Failed password for root\tfrom 10.0.0.1 port 22 ssh2", f));
  EXPECT_FALSE(fast_match_accepted("Accepted password for root from 10.0.0.1 port 22\n", f));
  EXPECT_FALSE(fast_match_invalid_user("Invalid user a\rb from 10.0.0.1", f));
}

TEST(SshdFastMatchTest, PrefersTheInvalidUserQualifierLikeRe2) {
  FastGroups f;
  ASSERT_TRUE(fast_match_failed("Failed password for invalid user admin from 10.0.0.1 port 22 ssh2",
                                f));
  EXPECT_EQ(f.group[2], "invalid user ");
  EXPECT_EQ(f.group[3], "admin");
  EXPECT_EQ(f.group[4], "10.0.0.1");
  EXPECT_EQ(f.group[5], "22");
  EXPECT_EQ(f.group[6], "ssh2");
  EXPECT_FALSE(f.matched(7));
}

}  // namespace
}  // namespace tripline
