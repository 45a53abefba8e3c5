// Acceptance evidence for the sshd brute-force correlation (issue #4) on the real OpenSSH log in
// ../shared/data/loghub: `tripline replay` with the default packs flags exactly the source
// addresses that an independent computation from the raw lines flags (>= 10 failed logins —
// Failed <method>, Invalid user, PAM authentication failure, max attempts — within 5 minutes,
// both ends included, "message repeated N times" counting N). fail2ban-regex (when installed)
// is run on the same file with the same threshold and window; its set and speed are reported.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const fs::path kLog = fs::path(TRIPLINE_SHARED_DATA_DIR) / "loghub" / "OpenSSH_2k.log";
const fs::path kShippedPacks = fs::path(TRIPLINE_SOURCE_DIR) / "config" / "rules.d";
const std::string kBruteForce = "5b0a7c1e-2f4d-4c61-9a53-0d7e6b1f2a01";
constexpr double kWindow = 300;
constexpr int kThreshold = 10;

using Occurrences = std::map<std::string, std::vector<std::pair<double, int>>>;  // ip → (t, n)

// Flagged: some window [t, t + 300 s] starting at an occurrence holds >= 10 of them.
std::set<std::string> flagged(Occurrences occ) {
  std::set<std::string> out;
  for (auto& [ip, list] : occ) {
    std::sort(list.begin(), list.end());
    for (size_t i = 0; i < list.size() && !out.count(ip); ++i) {
      int n = 0;
      for (size_t j = i; j < list.size() && list[j].first - list[i].first <= kWindow; ++j) {
        n += list[j].second;
      }
      if (n >= kThreshold) out.insert(ip);
    }
  }
  return out;
}

bool is_ipv4(const std::string& s) {
  static const std::regex kIp(R"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})");
  return std::regex_match(s, kIp);
}

// From the raw lines, with patterns of our own (not the parser's).
std::set<std::string> independent_set(size_t& failures) {
  static const std::map<std::string, int> kMonths = {
      {"Jan", 0}, {"Feb", 1}, {"Mar", 2}, {"Apr", 3},  {"May", 4},  {"Jun", 5},
      {"Jul", 6}, {"Aug", 7}, {"Sep", 8}, {"Oct", 9}, {"Nov", 10}, {"Dec", 11}};
  const std::regex line_re(
      R"(^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) \S+ sshd\[\d+\]: (?:message repeated (\d+) times: \[ ?)?(.*?)\]?\s*$)");
  const std::regex failed(R"(^Failed \S+ for (?:invalid user )?.*? from (\S+) port \d+.*)");
  const std::regex invalid(R"(^(?:Invalid|Illegal) user .*? from (\S+)(?: port \d+)?\s*$)");
  const std::regex pam(R"(^pam_unix\(sshd:auth\): authentication failure;.* rhost=(\S+).*)");
  const std::regex max_attempts(
      R"(^(?:error: )?maximum authentication attempts exceeded for .* from (\S+) port .*)");
  Occurrences occ;
  std::ifstream in(kLog);
  std::string line;
  std::smatch m, f;
  failures = 0;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, line_re)) continue;
    const double t = ((kMonths.at(m[1]) * 31.0 + std::stoi(m[2])) * 24 + std::stoi(m[3])) * 3600 +
                     std::stoi(m[4]) * 60 + std::stoi(m[5]);
    const int n = m[6].matched ? std::stoi(m[6]) : 1;
    const std::string msg = m[7];
    if (std::regex_match(msg, f, failed) || std::regex_match(msg, f, invalid) ||
        std::regex_match(msg, f, pam) || std::regex_match(msg, f, max_attempts)) {
      ++failures;
      if (is_ipv4(f[1])) occ[f[1]].emplace_back(t, n);
    }
  }
  return flagged(std::move(occ));
}

struct Timed {
  int exit_code = -1;
  std::string out;
  double seconds = 0;
};

Timed replay(const std::string& dir) {
  const std::string out = dir + "/out", err = dir + "/err";
  const auto start = std::chrono::steady_clock::now();
  testing::AgentProcess p({"replay", "--rules", kShippedPacks.string(), kLog.string()}, out, err);
  Timed r;
  r.exit_code = p.wait(std::chrono::seconds(120));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.out = testing::read_file(out);
  return r;
}

std::set<std::string> alerted_groups(const std::string& out, size_t& alerts) {
  std::set<std::string> ips;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  std::string line;
  alerts = 0;
  while (std::getline(lines, line)) {
    simdjson::dom::element a;
    if (parser.parse(line).get(a)) continue;
    std::string_view rule, ip;
    if (a["rule_id"].get(rule) || rule != kBruteForce) continue;
    ++alerts;
    if (!a["group"]["source.ip"].get(ip) && !ip.empty()) ips.emplace(ip);
  }
  return ips;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "" : " ") + v;
  return out;
}

TEST(SshdBruteForceDataset, FlaggedAddressesEqualAnIndependentCountOfTheRawLines) {
  if (!fs::exists(kLog)) GTEST_SKIP() << "no sshd data at " << kLog;
  const std::string dir = testing::make_temp_dir("sshd-brute-force");
  const Timed r = replay(dir);
  ASSERT_EQ(r.exit_code, 0);
  size_t alerts = 0, failures = 0;
  const std::set<std::string> ours = alerted_groups(r.out, alerts);
  const std::set<std::string> expected = independent_set(failures);
  EXPECT_GT(failures, 600u) << "the file holds hundreds of failed logins";
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(ours, expected) << "tripline: " << join(ours) << "\nindependent: " << join(expected);
  EXPECT_GE(alerts, ours.size());
  std::printf("[ sshd brute force ] %zu failures, %zu addresses flagged, %zu alerts, replay %.3f s\n",
              failures, ours.size(), alerts, r.seconds);

  // fail2ban-regex, the same threshold and window over the failures its sshd filter matches.
  if (std::system("command -v fail2ban-regex > /dev/null 2>&1") != 0) {
    std::printf("[ sshd brute force ] fail2ban-regex not installed; comparison skipped\n");
    fs::remove_all(dir);
    return;
  }
  const std::string rows = dir + "/f2b";
  const auto start = std::chrono::steady_clock::now();
  const std::string cmd = "cd " + dir + " && fail2ban-regex -o row '" + kLog.string() +
                          "' /etc/fail2ban/filter.d/sshd.conf > " + rows + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const double f2b_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Occurrences occ;
  std::ifstream in(rows);
  std::string line;
  const std::regex row(R"(^\['([^']+)',\s*([0-9.]+),.*)");
  std::smatch m;
  size_t f2b_failures = 0;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, row)) continue;
    ++f2b_failures;
    occ[m[1]].emplace_back(std::stod(m[2]), 1);
  }
  const std::set<std::string> f2b = flagged(std::move(occ));
  std::set<std::string> only_ours, only_f2b;
  std::set_difference(ours.begin(), ours.end(), f2b.begin(), f2b.end(),
                      std::inserter(only_ours, only_ours.end()));
  std::set_difference(f2b.begin(), f2b.end(), ours.begin(), ours.end(),
                      std::inserter(only_f2b, only_f2b.end()));
  std::printf("[ sshd brute force ] fail2ban-regex: %zu failures, %zu addresses flagged, %.3f s "
              "(tripline replay %.2fx its time)\n",
              f2b_failures, f2b.size(), f2b_seconds, r.seconds / f2b_seconds);
  std::printf("[ sshd brute force ] only tripline: %s\n[ sshd brute force ] only fail2ban: %s\n",
              join(only_ours).c_str(), join(only_f2b).c_str());
  ::testing::Test::RecordProperty("fail2ban_flagged", join(f2b));
  ::testing::Test::RecordProperty("tripline_flagged", join(ours));
  EXPECT_GT(f2b_failures, 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tripline
