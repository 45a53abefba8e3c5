// GCP audit logs against real third-party data: the LogEntry records of Panther's GCP rule tests
// (../shared/data/panther-test-events, each test's `log`) replayed with `--format gcp-audit`
// through SigmaHQ's GCP rules unchanged (../shared/data/sigma/rules/cloud/gcp). The rules read
// Sigma's gcp.audit field names (gcp.audit.method_name, ...), so an alert here shows the
// field mapping from protoPayload works end to end.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include "tests/collectors/cloud/test_consumer.h"
#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const fs::path kGcpData = fs::path(TRIPLINE_SHARED_DATA_DIR);

TEST(GcpAuditDataset, SigmaHqGcpRulesFireOnTheMutationsInPanthersAuditEntries) {
  const fs::path tests = kGcpData / "panther-test-events" / "gcp_audit_rule_tests.jsonl";
  const fs::path rules = kGcpData / "sigma" / "rules" / "cloud" / "gcp";
  if (!fs::exists(tests) || !fs::exists(rules)) {
    GTEST_SKIP() << "shared data folders panther-test-events or sigma are absent";
  }
  cloud_testing::ScratchDir dir;
  // Each Panther test case wraps one LogEntry under "log": those entries, one per line, are
  // what a GCP log sink writes.
  size_t entries = 0;
  {
    std::ifstream in(tests);
    std::ofstream out(dir / "audit.jsonl");
    simdjson::dom::parser parser;
    std::string line;
    while (std::getline(in, line)) {
      simdjson::dom::element test, log;
      if (parser.parse(line).get(test) || test["log"].get(log)) continue;
      out << simdjson::minify(log) << '\n';
      ++entries;
    }
  }
  ASSERT_GT(entries, 100u);

  int exit_code = -1;
  {
    testing::AgentProcess p({"replay", "--format", "gcp-audit", "--rules", rules.string(),
                             dir / "audit.jsonl"},
                            dir / "alerts.jsonl", dir / "stderr.txt");
    exit_code = p.wait();
  }
  EXPECT_EQ(exit_code, 0);
  std::ifstream err(dir / "stderr.txt");
  const std::string stats((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(stats.find(std::to_string(entries) + " events"), std::string::npos) << stats;
  EXPECT_NE(stats.find(" 0 parse errors"), std::string::npos) << stats;

  std::map<std::pair<std::string, std::string>, int> fired;  // (title, methodName) → alerts
  std::ifstream in(dir / "alerts.jsonl");
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element a;
    ASSERT_FALSE(parser.parse(line).get(a)) << line;
    EXPECT_EQ(std::string_view(a["logsource"]["product"].get_string().value()), "gcp");
    EXPECT_EQ(std::string_view(a["logsource"]["service"].get_string().value()), "gcp.audit");
    std::string_view method;
    EXPECT_FALSE(a["events"].at(0)["protoPayload"]["methodName"].get(method)) << line;
    ++fired[{std::string(a["title"].get_string().value()), std::string(method)}];
  }
  // The bucket, DNS zone and firewall changes among Panther's entries; nothing else in them is
  // what SigmaHQ's GCP rules look for (their other cases are reads or unrelated services).
  const std::map<std::pair<std::string, std::string>, int> expected = {
      {{"Google Cloud Storage Buckets Modified or Deleted", "storage.buckets.update"}, 1},
      {{"Google Cloud DNS Zone Modified or Deleted", "dns.managedZones.delete"}, 1},
      {{"Google Cloud DNS Zone Modified or Deleted", "dns.managedZones.patch"}, 1},
      {{"Google Cloud Firewall Modified or Deleted", "v1.compute.firewalls.insert"}, 1},
      {{"Google Cloud Firewall Modified or Deleted", "v1.compute.firewalls.delete"}, 1},
      {{"Google Cloud Firewall Modified or Deleted", "v1.compute.firewalls.patch"}, 1},
  };
  EXPECT_EQ(fired, expected);
}

}  // namespace
}  // namespace tripline
