// `tripline replay` as a user runs it: real binary, real files, alerts on stdout, stats on stderr.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

using testing::AgentProcess;
using testing::make_temp_dir;
using testing::read_file;
using testing::write_file;

struct ReplayRun {
  int exit_code;
  std::vector<std::string> alerts;
  std::string stderr_text;
};

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("replay");
    write_file(dir_ + "/login.yml", R"(title: failed login
id: 11111111-2222-4333-8444-555555555555
logsource: { product: myapp }
detection:
  selection: { action: login, outcome: failure }
  condition: selection
level: medium
)");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ReplayRun replay(std::vector<std::string> args) {
    std::vector<std::string> full = {"replay"};
    full.insert(full.end(), args.begin(), args.end());
    const std::string out = dir_ + "/out.jsonl", err = dir_ + "/err.log";
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    AgentProcess p(full, out, err);
    ReplayRun r{p.wait(), {}, read_file(err)};
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) r.alerts.push_back(line);
    return r;
  }

  std::string dir_;
};

std::string login(int i, const char* outcome) {
  return "{\"action\":\"login\",\"outcome\":\"" + std::string(outcome) + "\",\"n\":" +
         std::to_string(i) + "}\n";
}

TEST_F(ReplayTest, BadInputIsCountedAndEveryGoodLineStillEvaluated) {
  std::string content;
  content += login(1, "failure");
  content += "{\"action\": \"login\", \"outcome\": \n";       // malformed JSON
  content += std::string("\x00\x01\xff\xfe garbage\x7f", 13) + "\n";  // binary
  content += login(2, "failure");
  content += "{\"action\":\"login\",\"outcome\":\"failure\",\"user\":\"\xff\xfe\"}\n";  // bad UTF-8
  content += "{\"big\":\"" + std::string(10 << 20, 'a') + "\"}\n";  // 10 MB line
  content += login(3, "success");
  content += login(4, "failure");
  write_file(dir_ + "/app.jsonl", content);
  ReplayRun r = replay({"--rules", dir_ + "/login.yml", "--logsource", "myapp", dir_ + "/app.jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  // Lines 1, 2, the invalid-UTF-8 one and 4 match; every alert line is valid JSON.
  ASSERT_EQ(r.alerts.size(), 4u) << r.stderr_text;
  simdjson::dom::parser parser;
  for (const auto& a : r.alerts) {
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(a).get(doc), simdjson::SUCCESS) << a.substr(0, 200);
  }
  EXPECT_NE(r.stderr_text.find("8 events"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("1 truncated lines"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("3 parse errors"), std::string::npos) << r.stderr_text;
}

TEST_F(ReplayTest, GzipArchiveGivesTheSameAlertsAsPlainFile) {
  // Events that carry their own id and time, so alert_id and time do not depend on the file name
  // or the moment of the replay and both runs must agree byte for byte.
  std::string content;
  for (int i = 0; i < 5000; ++i) {
    content += "{\"eventID\":\"ev-" + std::to_string(i) +
               "\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"action\":\"login\",\"outcome\":\"" +
               (i % 3 ? "success" : "failure") + "\"}\n";
  }
  write_file(dir_ + "/a.jsonl", content);
  gzFile gz = gzopen((dir_ + "/a.jsonl.gz").c_str(), "wb");
  gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
  gzclose(gz);
  ReplayRun plain = replay({"--rules", dir_, "--logsource", "myapp", dir_ + "/a.jsonl"});
  ReplayRun packed = replay({"--rules", dir_, "--logsource", "myapp", dir_ + "/a.jsonl.gz"});
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(packed.exit_code, 0);
  EXPECT_EQ(plain.alerts.size(), 1667u);
  EXPECT_EQ(plain.alerts, packed.alerts);
}

TEST_F(ReplayTest, LogsourceRoutingKeepsRulesOffOtherSources) {
  write_file(dir_ + "/a.jsonl", login(1, "failure"));
  ReplayRun r = replay({"--rules", dir_, "--logsource", "otherapp", dir_ + "/a.jsonl"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.alerts.empty());
}

TEST_F(ReplayTest, UsageErrorsExitTwoAndMissingFilesExitOne) {
  EXPECT_EQ(replay({dir_ + "/a.jsonl"}).exit_code, 2);
  EXPECT_EQ(replay({"--rules", dir_, "--format", "xml", "x"}).exit_code, 2);
  ReplayRun r = replay({"--rules", dir_, dir_ + "/does-not-exist.jsonl"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_text.find("does-not-exist.jsonl"), std::string::npos);
}

TEST_F(ReplayTest, VersionPrintsTheVersion) {
  const std::string out = dir_ + "/v.txt";
  AgentProcess p({"version"}, out, dir_ + "/v.err");
  EXPECT_EQ(p.wait(), 0);
  EXPECT_EQ(read_file(out).rfind("tripline ", 0), 0u);
}

}  // namespace
}  // namespace tripline
