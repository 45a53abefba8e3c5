// Correlation windows run on event time: `tripline run` tailing an sshd log while it is being
// written raises the same correlation alerts (alert ids and counts) as `tripline replay` of the
// finished file, with the default packs (config/rules.d).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;
using testing::AgentProcess;

const fs::path kPacks = fs::path(TRIPLINE_SOURCE_DIR) / "config" / "rules.d";
const std::set<std::string> kCorrelations = {
    "5b0a7c1e-2f4d-4c61-9a53-0d7e6b1f2a01",  // brute force
    "5b0a7c1e-2f4d-4c61-9a53-0d7e6b1f2a02",  // password spray
    "5b0a7c1e-2f4d-4c61-9a53-0d7e6b1f2a05",  // success after failures
};

std::string stamp(int second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "Jan 15 %02d:%02d:%02d", 8 + second / 3600, (second / 60) % 60,
                second % 60);
  return buf;
}

// An hour of sshd traffic: noise, brute forces, sprays and guessed passwords from several
// addresses, some interleaved.
std::vector<std::string> sshd_lines() {
  std::vector<std::string> out;
  int pid = 1000;
  const auto line = [&](int s, const std::string& msg) {
    out.push_back(stamp(s) + " web1 sshd[" + std::to_string(pid++ % 30000 + 1000) + "]: " + msg);
  };
  for (int s = 0; s < 3600; s += 2) {
    const int phase = s % 600;
    const std::string burst = "203.0.113." + std::to_string(1 + s / 600);
    if (phase < 120) line(s, "Failed password for root from " + burst + " port 4000 ssh2");
    if (phase >= 200 && phase < 320 && phase % 8 == 0) {
      line(s, "Invalid user u" + std::to_string(phase) + " from 198.51.100." +
                  std::to_string(1 + s / 600) + " port 5000");
    }
    if (phase >= 400 && phase < 420) {
      line(s, "Failed password for deploy from 192.0.2." + std::to_string(1 + s / 600) +
                  " port 6000 ssh2");
    }
    if (phase == 430) {
      line(s, "Accepted password for deploy from 192.0.2." + std::to_string(1 + s / 600) +
                  " port 6001 ssh2");
    }
    if (s % 50 == 0) {
      line(s, "Accepted publickey for alice from 10.0.0.5 port 7000 ssh2: ED25519 SHA256:abc");
    }
    if (s % 90 == 0) line(s, "Failed password for bob from 10.0.0.6 port 7100 ssh2");
  }
  return out;
}

using AlertKey = std::tuple<std::string, std::string, uint64_t>;  // rule_id, alert_id, count

std::multiset<AlertKey> correlation_alerts(const std::string& text) {
  std::multiset<AlertKey> out;
  simdjson::dom::parser parser;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element a;
    std::string_view rule, id;
    uint64_t count = 0;
    if (parser.parse(line).get(a) || a["rule_id"].get(rule) || a["alert_id"].get(id) ||
        a["count"].get(count)) {
      continue;
    }
    if (kCorrelations.count(std::string(rule))) out.emplace(rule, id, count);
  }
  return out;
}

TEST(CorrelationLiveReplay, TailingWhileWrittenGivesTheSameAlertsAsReplay) {
  const std::string dir = testing::make_temp_dir("corr-live");
  ASSERT_FALSE(dir.empty());
  fs::create_directories(dir + "/log");
  const std::vector<std::string> lines = sshd_lines();
  const std::string log = dir + "/log/auth.log";

  // Live: the agent tails the file while a writer appends to it in small bursts.
  testing::write_file(dir + "/tripline.yaml",
                      "agent: { state_dir: " + dir + "/state, threads: 2 }\n"
                      "inputs:\n  - { name: auth, type: file, paths: [\"" + log +
                          "\"], format: syslog, start_at: beginning }\n"
                          "rules: { paths: [" + kPacks.string() + "] }\n"
                          "outputs:\n  - { name: out, type: file, path: " + dir +
                          "/alerts.jsonl }\n"
                          "metrics: { enabled: false }\n");
  testing::write_file(log, "");
  AgentProcess agent({"run", "-c", dir + "/tripline.yaml"}, dir + "/stdout.log",
                     dir + "/agent.log");
  ASSERT_TRUE(agent.started());
  FILE* f = std::fopen(log.c_str(), "a");
  ASSERT_NE(f, nullptr);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::fputs((lines[i] + "\n").c_str(), f);
    if (i % 40 == 39) {
      std::fflush(f);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::fclose(f);

  // Replay of the finished file.
  AgentProcess replay({"replay", "--rules", kPacks.string(), log}, dir + "/replay.jsonl",
                      dir + "/replay.err");
  ASSERT_EQ(replay.wait(std::chrono::seconds(120)), 0) << testing::read_file(dir + "/replay.err");
  const std::multiset<AlertKey> expected =
      correlation_alerts(testing::read_file(dir + "/replay.jsonl"));
  std::set<std::string> rules_seen;
  for (const auto& [rule, id, count] : expected) rules_seen.insert(rule);
  EXPECT_EQ(rules_seen, kCorrelations) << "the log holds every pattern";
  EXPECT_GE(expected.size(), 12u);

  // The live agent gets there too; then it is stopped and nothing more may appear.
  EXPECT_TRUE(testing::eventually(
      [&] {
        return correlation_alerts(testing::read_file(dir + "/alerts.jsonl")).size() >=
               expected.size();
      },
      std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait(std::chrono::seconds(30)), 0) << testing::read_file(dir + "/agent.log");
  const std::multiset<AlertKey> live = correlation_alerts(testing::read_file(dir + "/alerts.jsonl"));
  EXPECT_EQ(live, expected);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace tripline
