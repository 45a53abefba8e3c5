#include "collectors/parsers/pam_fast_match.h"

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

// Lines assembled from the pieces of PAM's key=value list, including the awkward ones: names
// holding " rhost=" or " user=", empty values, several spaces, tabs, keys out of order or missing.
std::vector<std::string> pam_generated_lines(std::string_view head, size_t n,
                                             const std::vector<std::string>& starts) {
  static const std::vector<std::string> pieces = {
      "logname=",
      " logname=",
      " uid=",
      "uid=",
      "0",
      "1000",
      " euid=",
      " tty=",
      "ssh",
      "/dev/pts/0",
      " ruser=",
      "ruser=",
      " rhost=",
      "rhost=",
      " user=",
      "user=",
      "  user=",
      " ",
      "  ",
      "\t",
      "\n",
      "\r",
      "root",
      "x y",
      "1.2.3.4",
      "::1",
      "",
      "é",
      " rhost=10.0.0.1",
      " rhost=10.0.0.1  user=root",
      " user=a rhost=b",
      "  user=root",
      " 2 more authentication failures; ",
      "s",
      ";",
      "; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.1"};
  return random_lines(head, n, starts, pieces, 777);
}

// The key=value list after the head, as PAM writes it and as attackers can bend it.
std::vector<std::string> pam_typical_fields() {
  return {"logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7 ",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=  user=root",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost= user=",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 user=  ",
          "logname=bob uid=1000 euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=bob",
          "logname= uid= euid= tty= ruser= rhost=",
          "logname= uid=0 euid=0 tty=ssh ruser=x rhost=1.1.1.1 rhost=2.2.2.2",
          "logname= uid=0 euid=0 tty=ssh ruser=x rhost=1.1.1.1 y rhost=2.2.2.2  user=z",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=a rhost=5.5.5.5",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=a b  ",
          "logname= uid=0 euid=0 tty=ssh ruser=a b rhost=10.0.0.1 user=c",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  username=root",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1 trailing",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1\tuser=root",
          "logname= uid=x euid=0 tty=ssh ruser= rhost=10.0.0.1",
          "logname= uid=0 tty=ssh ruser= rhost=10.0.0.1",
          "logname= uid=0 euid=0 tty=ssh rhost=10.0.0.1",
          "logname=a b uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1",
          "logname= uid=0 euid=0 tty=ssh ruser= rhost=fe80::1%eth0 user=é"};
}

std::vector<std::string> pam_auth_failure_lines(std::string_view head) {
  std::vector<std::string> out;
  for (const std::string& f : pam_typical_fields()) out.push_back(std::string(head) + f);
  return out;
}

std::vector<std::string> pam_more_failures_lines(std::string_view head) {
  std::vector<std::string> out;
  for (std::string_view count :
       {"2 more authentication failures; ", "1 more authentication failure; ",
        "3 more authentication failure; ", "2 more authentication failuress; ",
        " 2 more authentication failures; ", "more authentication failures; ",
        "12 more authentication failures;"}) {
    for (const std::string& f : pam_typical_fields()) {
      out.push_back(std::string(head) + std::string(count) + f);
    }
  }
  return out;
}

const std::vector<std::string> kPamFieldStarts = {
    "logname= uid=0 euid=0 tty=ssh ruser=", "logname= uid=0 euid=0 tty=ssh ruser= rhost=",
    "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1", "logname=", ""};
const std::vector<std::string> kPamCountStarts = {
    "2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser=",
    "2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1",
    "1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=", "2", ""};

struct PamCase {
  std::string_view pattern;
  FastFn fast;
  std::string_view head;
  std::vector<std::string> (*typical)(std::string_view);
  const std::vector<std::string>* starts;
  size_t min_typical;
};

TEST(PamFastMatchTest, AgreesWithRe2OnEveryLineItDecides) {
  const PamCase cases[] = {
      {kPamAuthFailurePattern, fast_match_pam_auth_failure, "authentication failure; ",
       pam_auth_failure_lines, &kPamFieldStarts, 12},
      {kPamMoreFailuresPattern, fast_match_pam_more_failures, "PAM ", pam_more_failures_lines,
       &kPamCountStarts, 36},
  };
  for (const PamCase& c : cases) {
    const RE2 re(std::string(c.pattern), line_pattern_options());
    ASSERT_TRUE(re.ok()) << c.pattern;
    Counts typical;
    for (const std::string& m : c.typical(c.head)) expect_same_as_re2(re, c.fast, m, typical);
    // The usual lines are decided here, not handed to RE2.
    EXPECT_GE(typical.decided, c.min_typical) << c.pattern;
    Counts random;
    for (const std::string& m : pam_generated_lines(c.head, 60000, *c.starts)) {
      expect_same_as_re2(re, c.fast, m, random);
    }
    EXPECT_GT(random.decided, 100u) << c.pattern;
    if (HasFailure()) return;
  }
}

TEST(PamFastMatchTest, RhostInsideANameDoesNotMoveTheAddress) {
  FastGroups f;
  ASSERT_TRUE(fast_match_pam_auth_failure(
      "authentication failure; logname= uid=0 euid=0 tty=ssh ruser=x rhost=1.1.1.1 y "
      "rhost=2.2.2.2  user=z rhost=3.3.3.3",
      f));
  EXPECT_EQ(f.group[3], "x rhost=1.1.1.1 y");
  EXPECT_EQ(f.group[4], "2.2.2.2");
  EXPECT_EQ(f.group[5], "z rhost=3.3.3.3");
}

TEST(PamFastMatchTest, LeavesLinesWithOtherWhitespaceToRe2) {
  FastGroups f;
  EXPECT_FALSE(fast_match_pam_auth_failure(
      "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4\tuser=root", f));
  EXPECT_FALSE(fast_match_pam_more_failures(
      "PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4\r",
      f));
}

}  // namespace
}  // namespace tripline
