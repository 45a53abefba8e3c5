#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "exporters/privacy/pseudonymizer.h"
#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;
using testing::AgentProcess;
using testing::read_file;
using testing::write_file;

// Identifiers the inputs carry. None may reach a spool, a checkpoint, the self-log or a sink.
const std::vector<std::string> kRawIdentifiers = {
    "zelda",
    "mallory",
    "203.0.113.77",
    "203.0.113.78",  // sshd
    "trudy-ct",
    "198.51.100.23",
    "AKIAEXAMPLETRUDY",
    "backdoor-victor",  // CloudTrail
    "AIDAEXAMPLETRUDY",
    "trudy-laptop",  //
    "eve-app",
    "192.0.2.55",  // JSON lines
};

constexpr const char* kKey = "integration-test-key-0123456789abcdef";

const char* kRules = R"(title: sshd failure
id: 0b8a3c52-0000-4000-8000-00000000a001
logsource: { product: linux, service: sshd }
detection:
  selection: { event.action: [failed_password, invalid_user] }
  condition: selection
fields: [user.name, source.ip]
level: low
---
title: IAM user created
id: 0b8a3c52-0000-4000-8000-00000000a002
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: CreateUser }
  condition: selection
fields: [userIdentity.userName, sourceIPAddress]
level: medium
---
title: App login failed
id: 0b8a3c52-0000-4000-8000-00000000a003
logsource: { product: myapp, service: audit }
detection:
  selection: { action: login_failed }
  condition: selection
fields: [user, client_ip]
level: low
)";

const char* kCloudTrail = R"({"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser",
"principalId":"AIDAEXAMPLETRUDY","arn":"arn:aws:iam::111122223333:user/trudy-ct",
"accountId":"111122223333","accessKeyId":"AKIAEXAMPLETRUDY","userName":"trudy-ct"},
"eventTime":"2026-11-23T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser",
"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15 trudy-laptop",
"requestParameters":{"userName":"backdoor-victor"},"responseElements":{"user":{"userName":
"backdoor-victor","arn":"arn:aws:iam::111122223333:user/backdoor-victor"}},
"eventID":"6f1f8ba4-6b57-4a30-9e1c-9f2d6c1d0a01","readOnly":false,"eventType":"AwsApiCall",
"recipientAccountId":"111122223333"}]})";

class PrivacyEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("privacy");
    ASSERT_FALSE(dir_.empty());
    for (const char* d :
         {"/rules", "/app", "/ct/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23"}) {
      fs::create_directories(dir_ + d);
    }
    write_file(dir_ + "/privacy.key", kKey);
    ::chmod((dir_ + "/privacy.key").c_str(), 0600);
    write_file(dir_ + "/rules/rules.yml", kRules);
    write_file(dir_ + "/auth.log",
               "Nov 23 10:00:00 web1 sshd[4242]: Failed password for zelda from 203.0.113.77 "
               "port 52214 ssh2\n"
               "Nov 23 10:00:01 web1 sshd[4243]: Invalid user mallory from 203.0.113.78 port "
               "52215\n");
    write_file(dir_ +
                   "/ct/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23/"
                   "111122223333_CloudTrail_us-east-1_20261123T1000Z_abc.json",
               kCloudTrail);
    write_file(
        dir_ + "/app/app.jsonl",
        R"({"ts":"2026-11-23T10:00:00Z","action":"login_failed","user":"eve-app","client_ip":"192.0.2.55"})"
        "\n"
        // Malformed: counted as a parse error, and its content must not be logged.
        R"({"action":"login_failed","user":"eve-app","client_ip":"192.0.2.55",)"
        "\n");
    write_file(dir_ + "/tripline.yaml",
               "agent: { state_dir: " + dir_ + "/state }\n" +
                   "inputs:\n"
                   "  - { name: auth, type: file, paths: [" +
                   dir_ +
                   "/auth.log], format: syslog, "
                   "start_at: beginning }\n"
                   "  - { name: ct, type: cloudtrail, dir: " +
                   dir_ +
                   "/ct, poll_interval: 200ms }\n"
                   "  - { name: app, type: file, paths: [\"" +
                   dir_ +
                   "/app/*.jsonl\"], format: jsonl, "
                   "start_at: beginning, logsource: { product: myapp, service: audit } }\n"
                   "rules: { paths: [" +
                   dir_ +
                   "/rules] }\n"
                   "outputs:\n"
                   "  - { name: local, type: file, path: " +
                   dir_ +
                   "/alerts.jsonl, fsync: always, "
                   "chain: true }\n"
                   // Never reachable: its alerts stay in its spool for the test to read.
                   "  - { name: stuck, type: webhook, url: \"http://127.0.0.1:1/hook\", "
                   "drain_timeout: 100ms, retry: { initial_backoff: 50ms, max_backoff: 200ms } }\n"
                   "metrics: { enabled: false }\n"
                   "privacy:\n"
                   "  key_file: privacy.key\n"
                   "  key_id: it1\n"
                   "  logsources:\n"
                   "    - logsource: linux/sshd\n"
                   "      hash: [user.name, source.ip]\n"
                   "      drop: [source.port]\n"
                   "    - logsource: aws/cloudtrail\n"
                   "      hash: [sourceIPAddress, userIdentity.userName, userIdentity.arn,\n"
                   "             userIdentity.principalId, userIdentity.accessKeyId, "
                   "requestParameters.userName]\n"
                   "      drop: [userAgent]\n"
                   "    - logsource: { product: myapp }\n"
                   "      hash: [user, client_ip]\n");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Every file below `root` (or `root` itself) whose bytes contain `needle`.
  static std::vector<std::string> files_containing(const std::string& root,
                                                   const std::string& needle) {
    std::vector<std::string> hits;
    auto check = [&](const fs::path& p) {
      if (read_file(p.string()).find(needle) != std::string::npos) hits.push_back(p.string());
    };
    if (fs::is_regular_file(root)) {
      check(root);
    } else if (fs::is_directory(root)) {
      for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) check(e.path());
      }
    }
    return hits;
  }

  std::string dir_;
};

TEST_F(PrivacyEndToEnd, NoRawIdentifierReachesSpoolCheckpointsSelfLogOrSinkButTheirHmacsDo) {
  {
    AgentProcess check({"check", "-c", dir_ + "/tripline.yaml"}, dir_ + "/check.out",
                       dir_ + "/check.err");
    ASSERT_EQ(check.wait(), 0) << read_file(dir_ + "/check.err");
  }
  AgentProcess agent({"run", "-c", dir_ + "/tripline.yaml"}, dir_ + "/agent.out",
                     dir_ + "/agent.err");
  ASSERT_TRUE(agent.started());
  const std::string alerts = dir_ + "/alerts.jsonl";
  const bool all_alerts = testing::eventually(
      [&] {
        const std::string text = read_file(alerts);
        return std::count(text.begin(), text.end(), '\n') >= 4;
      },
      std::chrono::seconds(60));
  agent.signal(SIGTERM);
  ASSERT_EQ(agent.wait(), 0) << read_file(dir_ + "/agent.err");
  ASSERT_TRUE(all_alerts) << read_file(alerts) << read_file(dir_ + "/agent.err");

  const std::vector<std::string> places = {dir_ + "/state", dir_ + "/agent.err",
                                           dir_ + "/agent.out", alerts};
  ASSERT_TRUE(fs::exists(dir_ + "/state/spool/stuck"));
  ASSERT_TRUE(fs::exists(dir_ + "/state/checkpoints"));
  for (const std::string& raw : kRawIdentifiers) {
    for (const std::string& place : places) {
      EXPECT_EQ(files_containing(place, raw), std::vector<std::string>{})
          << "raw identifier '" << raw << "' found";
    }
  }

  // The malformed line was logged by position, not content.
  const std::string self_log = read_file(dir_ + "/agent.err");
  EXPECT_NE(self_log.find(
                R"("msg":"line not parsed; counted in tripline_parse_errors_total","input":"app")"),
            std::string::npos)
      << self_log;

  const Pseudonymizer p(kKey, "it1");
  for (const char* value : {"zelda", "203.0.113.77", "mallory", "trudy-ct", "198.51.100.23",
                            "backdoor-victor", "eve-app", "192.0.2.55"}) {
    const std::string token = p.token(value);
    EXPECT_FALSE(files_containing(alerts, token).empty()) << value << " → " << token;
    EXPECT_FALSE(files_containing(dir_ + "/state/spool/stuck", token).empty())
        << value << " not in the stuck sink's spool as " << token;
  }
  // Detection ran on the raw values: every rule fired.
  const std::string text = read_file(alerts);
  for (const char* id : {"00000000a001", "00000000a002", "00000000a003"}) {
    EXPECT_NE(text.find(id), std::string::npos) << id;
  }

  // The chained output verifies.
  AgentProcess verify({"verify", alerts}, dir_ + "/verify.out", dir_ + "/verify.err");
  EXPECT_EQ(verify.wait(), 0) << read_file(dir_ + "/verify.out");
}

TEST_F(PrivacyEndToEnd, CheckRejectsAHashListWithoutKeyWithFileAndLine) {
  write_file(dir_ + "/bad.yaml", "agent: { state_dir: " + dir_ +
                                     "/state }\n"
                                     "privacy:\n"
                                     "  logsources:\n"
                                     "    - { logsource: linux/sshd, hash: [user.name] }\n");
  AgentProcess check({"check", "-c", dir_ + "/bad.yaml"}, dir_ + "/bad.out", dir_ + "/bad.err");
  EXPECT_EQ(check.wait(), 1);
  EXPECT_NE(read_file(dir_ + "/bad.err").find("bad.yaml:3:3: error[config.missing-key]"),
            std::string::npos)
      << read_file(dir_ + "/bad.err");
}

}  // namespace
}  // namespace tripline
