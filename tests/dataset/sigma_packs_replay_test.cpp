// The default rule packs (config/rules.d) through the real binary: `rules lint` and `rules test`
// pass, and `tripline replay` of the real CloudTrail, sshd and Kubernetes audit data in
// ../shared/data prints alerts that follow the DESIGN §4 schema, for the attacks the data holds.
// Also: every SigmaHQ rule passes `tripline rules lint`.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;
using testing::AgentProcess;

const fs::path kData = fs::path(TRIPLINE_SHARED_DATA_DIR);
const fs::path kPacks = fs::path(TRIPLINE_SOURCE_DIR) / "config" / "rules.d";

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class SigmaPacks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("sigma-packs");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun run(std::vector<std::string> args) {
    const std::string out = dir_ + "/out", err = dir_ + "/err";
    fs::remove(out);
    fs::remove(err);
    AgentProcess p(std::move(args), out, err);
    CliRun r;
    r.exit_code = p.wait(std::chrono::seconds(120));
    r.out = testing::read_file(out);
    r.err = testing::read_file(err);
    return r;
  }

  std::string dir_;
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (nl > start) out.push_back(text.substr(start, nl - start));
  }
  return out;
}

// DESIGN §4: the required keys with their types, and the optional ones when present.
void check_alert_schema(const std::string& line) {
  static const std::regex kRfc3339(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
  static const std::set<std::string> kLevels = {"informational", "low", "medium", "high",
                                                "critical"};
  static const std::set<std::string> kKeys = {
      "alert_id", "rule_id", "title", "sev",     "level",  "time",     "host",   "source",
      "logsource", "group",  "count", "tags",    "events", "trace_id", "ends_at", "runbook",
      "change_id", "fields", "enrichment"};
  simdjson::dom::parser parser;
  simdjson::dom::object a;
  ASSERT_EQ(parser.parse(line).get(a), simdjson::SUCCESS) << line;
  for (auto field : a) {
    EXPECT_TRUE(kKeys.count(std::string(field.key))) << "unexpected key " << field.key;
  }
  const auto str = [&](const char* key) {
    std::string_view v;
    EXPECT_EQ(a[key].get_string().get(v), simdjson::SUCCESS) << key << " in " << line;
    return std::string(v);
  };
  EXPECT_EQ(str("alert_id").size(), 32u);
  EXPECT_FALSE(str("rule_id").empty());
  EXPECT_FALSE(str("title").empty());
  EXPECT_TRUE(std::regex_match(str("sev"), std::regex("SEV[0-4]")));
  EXPECT_TRUE(kLevels.count(str("level"))) << line;
  EXPECT_TRUE(std::regex_match(str("time"), kRfc3339)) << line;
  str("host");
  EXPECT_FALSE(str("source").empty());
  str("trace_id");
  simdjson::dom::object logsource, group;
  ASSERT_EQ(a["logsource"].get_object().get(logsource), simdjson::SUCCESS);
  EXPECT_GT(logsource.size(), 0u);
  for (auto f : logsource) EXPECT_TRUE(f.value.is_string());
  ASSERT_EQ(a["group"].get_object().get(group), simdjson::SUCCESS);
  uint64_t count = 0;
  ASSERT_EQ(a["count"].get_uint64().get(count), simdjson::SUCCESS);
  // Single-event rules have an empty group and count 1; grouped alerts (the Lua volume scorer)
  // name their group with string values and count what is behind them.
  if (group.size() == 0) {
    EXPECT_EQ(count, 1u) << line;
  } else {
    EXPECT_GE(count, 1u) << line;
    for (auto f : group) EXPECT_TRUE(f.value.is_string()) << line;
  }
  simdjson::dom::array tags, events;
  ASSERT_EQ(a["tags"].get_array().get(tags), simdjson::SUCCESS);
  for (auto t : tags) EXPECT_TRUE(t.is_string());
  ASSERT_EQ(a["events"].get_array().get(events), simdjson::SUCCESS);
  // One event per single-event alert; grouped (correlation) alerts carry the first few.
  if (group.size() == 0) {
    EXPECT_EQ(events.size(), 1u);
  } else {
    EXPECT_GE(events.size(), 1u);
    EXPECT_LE(events.size(), std::min<uint64_t>(count, 10));
  }
  for (auto e : events) EXPECT_TRUE(e.is_object());
  simdjson::dom::object fields;
  if (a["fields"].get_object().get(fields) == simdjson::SUCCESS) {
    for (auto f : fields) EXPECT_TRUE(f.value.is_string());
  }
  std::string_view runbook;
  if (a["runbook"].get_string().get(runbook) == simdjson::SUCCESS) {
    EXPECT_FALSE(runbook.empty());
  }
}

std::map<std::string, int> titles(const std::vector<std::string>& alerts) {
  std::map<std::string, int> out;
  simdjson::dom::parser parser;
  for (const std::string& line : alerts) {
    std::string_view t;
    if (parser.parse(line)["title"].get_string().get(t) == simdjson::SUCCESS) {
      ++out[std::string(t)];
    }
  }
  return out;
}

// Events (as their JSON text) that raised more than one single-event alert (group empty), with
// the titles of those alerts.
std::map<std::string, std::vector<std::string>> events_alerted_twice(
    const std::vector<std::string>& alerts) {
  std::map<std::string, std::vector<std::string>> by_event;
  simdjson::dom::parser parser;
  for (const std::string& line : alerts) {
    simdjson::dom::object a, group;
    simdjson::dom::element event;
    std::string_view title;
    if (parser.parse(line).get(a) != simdjson::SUCCESS) continue;
    if (a["group"].get_object().get(group) != simdjson::SUCCESS || group.size() != 0) continue;
    if (a["events"].at(0).get(event) != simdjson::SUCCESS) continue;
    if (a["title"].get_string().get(title) != simdjson::SUCCESS) continue;
    by_event[simdjson::minify(event)].emplace_back(title);
  }
  std::erase_if(by_event, [](const auto& e) { return e.second.size() < 2; });
  return by_event;
}

TEST_F(SigmaPacks, DefaultPacksLintCleanAndTheirTestsPass) {
  CliRun lint = run({"rules", "lint", kPacks.string()});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out, "") << "warnings in the default packs";
  CliRun test = run({"rules", "test", kPacks.string()});
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_NE(test.out.find(" 0 failed, 0 rules without tests"), std::string::npos) << test.out;
}

TEST_F(SigmaPacks, ReplayOfCloudTrailDataRaisesSchemaConformingAlerts) {
  const fs::path trail = kData / "invictus-aws-cloudtrail" / "CloudTrail";
  if (!fs::exists(trail)) GTEST_SKIP() << "no CloudTrail data at " << trail;
  std::vector<std::string> args = {"replay", "--rules", kPacks.string()};
  for (const auto& e : fs::directory_iterator(trail)) args.push_back(e.path().string());
  CliRun r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> alerts = lines(r.out);
  for (const std::string& a : alerts) check_alert_schema(a);
  const auto by_title = titles(alerts);
  // The attack simulation stops and deletes trails (and is refused doing so), creates users and
  // keys, attaches AdministratorAccess, backdoors a role's trust policy and writes inline policies.
  for (const char* t : {"AWS CloudTrail logging stopped, deleted or narrowed",
                        "AWS CloudTrail logging stop or delete attempted and refused",
                        "AWS IAM user, access key or console password created outside automation",
                        "AWS administrator policy attached to a user, group or role",
                        "AWS role trust policy changed", "AWS inline IAM policy written"}) {
    EXPECT_GT(by_title.count(t) ? by_title.at(t) : 0, 0) << t << "\n" << r.out.substr(0, 2000);
  }
  EXPECT_EQ(by_title.count("AWS root account console login"), 0u);
}

// The generic packs and the IAM drift packs overlap in what they watch; each CloudTrail event
// must still raise at most one single-event alert, graded by the most specific rule.
TEST_F(SigmaPacks, NoCloudTrailEventRaisesTwoSingleEventAlerts) {
  // Plus four policy writes (star-on-star inline and managed, iam:* inline, a narrow inline one)
  // that two packs read.
  std::vector<std::string> args = {
      "replay", "--rules", kPacks.string(),
      std::string(TRIPLINE_FIXTURES_DIR) + "/cloudtrail/policy_writes.jsonl"};
  for (const char* dir : {"invictus-aws-cloudtrail/CloudTrail", "stratus-detonation-logs",
                          "panther-test-events", "otrf-aws"}) {
    if (!fs::exists(kData / dir)) GTEST_SKIP() << "no CloudTrail data at " << kData / dir;
    for (const auto& e : fs::directory_iterator(kData / dir)) {
      const std::string name = e.path().filename().string();
      // Panther's folder holds GCP and Kubernetes events too.
      const bool cloudtrail = std::string(dir) == "panther-test-events"
                                  ? name.find("cloudtrail") != std::string::npos
                                  : e.path().extension() == ".json";
      if (cloudtrail) args.push_back(e.path().string());
    }
  }
  CliRun r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> alerts = lines(r.out);
  EXPECT_GT(alerts.size(), 40u);
  for (const auto& [event, titles] : events_alerted_twice(alerts)) {
    ADD_FAILURE() << "event " << event.substr(0, 300) << " raised " << titles.size() << " alerts, first "
                  << titles[0] << " and " << titles[1];
  }
}

TEST_F(SigmaPacks, ReplayOfSshdLogRaisesFailedLoginAndInvalidUserAlerts) {
  const fs::path log = kData / "loghub" / "OpenSSH_2k.log";
  if (!fs::exists(log)) GTEST_SKIP() << "no sshd data at " << log;
  CliRun r = run({"replay", "--rules", kPacks.string(), log.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> alerts = lines(r.out);
  for (const std::string& a : alerts) check_alert_schema(a);
  const auto by_title = titles(alerts);
  // Counted from the file: 520 "Failed password", 133 PAM authentication failures (+ the
  // max-attempts lines); 113 "Invalid user" lines.
  EXPECT_GT(by_title.count("SSH failed login") ? by_title.at("SSH failed login") : 0, 600);
  EXPECT_EQ(by_title.count("SSH login attempt for an unknown user")
                ? by_title.at("SSH login attempt for an unknown user")
                : 0,
            113);
}

TEST_F(SigmaPacks, ReplayOfKubernetesAuditRaisesTheKubernetesAlerts) {
  const fs::path dir = kData / "falco-k8s-audit";
  if (!fs::exists(dir)) GTEST_SKIP() << "no Kubernetes audit data at " << dir;
  std::vector<std::string> args = {"replay", "--rules", kPacks.string(), "--format", "k8s-audit"};
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") args.push_back(e.path().string());
  }
  CliRun r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> alerts = lines(r.out);
  for (const std::string& a : alerts) check_alert_schema(a);
  const auto by_title = titles(alerts);
  EXPECT_EQ(by_title.at("Kubernetes cluster-admin role bound"), 1);
  EXPECT_EQ(by_title.at("Kubernetes exec or attach into a pod"), 2);
  EXPECT_EQ(by_title.at("Kubernetes anonymous API request"), 1);
}

TEST_F(SigmaPacks, EverySigmaHqRulePassesLint) {
  const fs::path sigma = kData / "sigma";
  if (!fs::exists(sigma / "rules")) GTEST_SKIP() << "no SigmaHQ corpus at " << sigma;
  std::vector<std::string> args = {"rules", "lint", "--json", "--errors-only"};
  for (const auto& e : fs::directory_iterator(sigma)) {
    if (e.is_directory() && e.path().filename().string().rfind("rules", 0) == 0) {
      args.push_back(e.path().string());
    }
  }
  CliRun r = run(args);
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 4000);
  simdjson::dom::parser parser;
  simdjson::dom::element report;
  ASSERT_EQ(parser.parse(r.out).get(report), simdjson::SUCCESS) << r.out.substr(0, 200);
  EXPECT_EQ(report["errors"].get_uint64().value(), 0u);
  EXPECT_GT(report["rules"].get_uint64().value(), 3500u);
  EXPECT_EQ(report["rules"].get_uint64().value(), report["files"].get_uint64().value());
}

}  // namespace
}  // namespace tripline
