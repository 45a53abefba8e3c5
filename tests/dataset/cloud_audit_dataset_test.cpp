// Cloud inputs and the IAM drift pack against real third-party data in ../shared/data:
//  - invictus-aws-cloudtrail: 55 CloudTrail delivery files from a Stratus Red Team attack run;
//  - stratus-detonation-logs: one JSON array of CloudTrail records per attack technique;
//  - falco-k8s-audit: Kubernetes audit events recorded from a real cluster.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "collectors/cloudtrail_dir.h"
#include "collectors/k8s_audit.h"
#include "net/http_client.h"
#include "config/config.h"
#include "tests/collectors/cloud/test_consumer.h"
#include "tests/support/agent_process.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;
using cloud_testing::RecordingConsumer;
using cloud_testing::ScratchDir;

fs::path data(const std::string& rel) { return fs::path(TRIPLINE_SHARED_DATA_DIR) / rel; }

struct ReplayResult {
  std::map<std::string, int> per_title;   // alert title → count
  std::map<std::string, int> per_sev;
  int read_only_alerts_sev3_or_above = 0;  // alerts whose event has readOnly: true
  int exit_code = -1;
};

ReplayResult replay_pack(const std::vector<std::string>& files) {
  ScratchDir dir;
  // The IAM packs: the drift layer-1 rules, the policy-document reader and the trust changes they
  // leave over. The
  // behavioural packs (API error rate, AccessDenied spike, Lua volume scorer) alert on the same
  // data by design and are tested on their own.
  std::vector<std::string> args = {"replay"};
  for (const char* pack :
       {"aws_cloudtrail_logging_disabled.yml", "aws_iam_admin_policy_attached.yml",
        "aws_iam_changes.yml", "aws_iam_identity_created.yml", "aws_iam_mfa_removed.yml",
        "aws_iam_policy_wildcards.lua", "aws_iam_trust_policy_wildcard.yml",
        "aws_root_console_login_without_mfa.yml"}) {
    args.push_back("--rules");
    args.push_back(std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/" + pack);
  }
  args.insert(args.end(), files.begin(), files.end());
  ReplayResult r;
  {
    testing::AgentProcess p(args, dir / "out.jsonl", dir / "err.txt");
    r.exit_code = p.wait();
  }
  std::ifstream in(dir / "out.jsonl");
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element a;
    if (parser.parse(line).get(a)) {
      ADD_FAILURE() << "not JSON: " << line;
      continue;
    }
    const std::string title(a["title"].get_string().value());
    const std::string sev(a["sev"].get_string().value());
    ++r.per_title[title];
    ++r.per_sev[sev];
    bool read_only = false;
    simdjson::dom::element ev = a["events"].at(0);
    if (!ev["readOnly"].get_bool().get(read_only) && read_only && sev <= "SEV3") {
      ++r.read_only_alerts_sev3_or_above;
    }
  }
  return r;
}

std::vector<std::string> files_in(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const char* kTrail = "AWS CloudTrail logging stopped, deleted or narrowed";
const char* kAdmin = "AWS administrator policy attached to a user, group or role";
const char* kIdentity = "AWS IAM user, access key or console password created outside automation";
const char* kTrailAttempt = "AWS CloudTrail logging stop or delete attempted and refused";
const char* kTrailChanged = "AWS CloudTrail trail or event selectors changed";
const char* kTrust = "AWS role trust policy changed";
const char* kInline = "AWS inline IAM policy written";

TEST(CloudAuditDataset, InvictusAttackRunRaisesTheIamAlertsItContains) {
  if (!fs::exists(data("invictus-aws-cloudtrail/CloudTrail"))) {
    GTEST_SKIP() << "shared data folder invictus-aws-cloudtrail is absent";
  }
  const ReplayResult r = replay_pack(files_in(data("invictus-aws-cloudtrail/CloudTrail"), ".json"));
  EXPECT_EQ(r.exit_code, 0);
  // 2 successful DeleteTrail + 1 PutEventSelectors without management events; the 4 refused
  // StopLogging/DeleteTrail calls and 1 refused PutEventSelectors are graded lower on their own;
  // AdministratorAccess on a user and on a role; 4 CreateUser + 2 CreateAccessKey +
  // 2 CreateLoginProfile by the attacker's IAM user; 2 trust policy changes to an outside
  // account; 5 inline policies that are not star-on-star. One alert per event.
  EXPECT_EQ(r.per_title, (std::map<std::string, int>{{kTrail, 3},
                                                      {kTrailAttempt, 4},
                                                      {kTrailChanged, 1},
                                                      {kAdmin, 2},
                                                      {kIdentity, 8},
                                                      {kTrust, 2},
                                                      {kInline, 5}}));
  EXPECT_EQ(r.read_only_alerts_sev3_or_above, 0);
}

TEST(CloudAuditDataset, StratusDetonationsRaiseTheIamAlertsTheyContain) {
  if (!fs::exists(data("stratus-detonation-logs"))) {
    GTEST_SKIP() << "shared data folder stratus-detonation-logs is absent";
  }
  const ReplayResult r = replay_pack(files_in(data("stratus-detonation-logs"), ".json"));
  EXPECT_EQ(r.exit_code, 0);
  // cloudtrail-stop, cloudtrail-delete, cloudtrail-event-selectors; iam-create-admin-user and
  // iam-backdoor-role attach AdministratorAccess; CreateUser, 2 CreateAccessKey,
  // CreateLoginProfile; iam-backdoor-role trusts an outside account.
  EXPECT_EQ(r.per_title,
            (std::map<std::string, int>{{kTrail, 3}, {kAdmin, 2}, {kIdentity, 4}, {kTrust, 1}}));
  EXPECT_EQ(r.read_only_alerts_sev3_or_above, 0);
}

TEST(CloudAuditDataset, PantherCompromisedRootScenariosRaiseSev0RootLogins) {
  const fs::path dir = data("panther-test-events");
  if (!fs::exists(dir)) GTEST_SKIP() << "shared data folder panther-test-events is absent";
  std::vector<std::string> files;
  for (const std::string& f : files_in(dir, ".jsonl")) {
    if (fs::path(f).filename().string().rfind("scenario_", 0) == 0) files.push_back(f);
  }
  const ReplayResult r = replay_pack(files);
  EXPECT_EQ(r.exit_code, 0);
  // 8 root console sign-ins without MFA across the two scenarios. The attacker's CreateUser (2)
  // and CreateAccessKey (3) records all carry eventID "1" (synthetic test data), so their alerts
  // share one alert_id: the alert lifecycle's dedup lets one go out, as an alert_id-idempotent
  // sink would.
  // The attacker also tries StopLogging (refused) and attaches IAMFullAccess.
  EXPECT_EQ(r.per_title,
            (std::map<std::string, int>{{"AWS root user console login without MFA", 8},
                                        {kIdentity, 1},
                                        {kTrailAttempt, 1},
                                        {kAdmin, 1}}));
  EXPECT_EQ(r.per_sev.at("SEV0"), 8);
  EXPECT_EQ(r.read_only_alerts_sev3_or_above, 0);
}

TEST(CloudAuditDataset, CloudTrailDirectoryInputReadsEveryDeliveryFileOnce) {
  const fs::path dir = data("invictus-aws-cloudtrail/CloudTrail");
  if (!fs::exists(dir)) GTEST_SKIP() << "shared data folder invictus-aws-cloudtrail is absent";
  ScratchDir state;
  Diagnostics diags;
  Config config = load_config_text("inputs:\n  - { name: ct, type: cloudtrail, dir: " +
                                       dir.string() + " }\n",
                                   "t.yaml", diags);
  CollectorContext ctx{"h", state.path(), state.path()};
  auto built = make_cloudtrail_dir_collector(config.inputs.at(0), ctx, diags);
  ASSERT_NE(built, nullptr);
  auto* c = static_cast<CloudTrailDirCollector*>(built.get());
  RecordingConsumer out;
  ASSERT_TRUE(c->scan_once(out));
  EXPECT_EQ(out.size(), 2900u);
  EXPECT_EQ(c->done_count(), 55u);
  ASSERT_TRUE(c->scan_once(out));
  EXPECT_EQ(out.size(), 2900u);
}

TEST(CloudAuditDataset, FalcoRecordedAuditEventsPassThroughTheWebhook) {
  const fs::path dir = data("falco-k8s-audit");
  if (!fs::exists(dir)) GTEST_SKIP() << "shared data folder falco-k8s-audit is absent";
  std::vector<std::string> items;
  for (const std::string& f : files_in(dir, ".json")) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) items.push_back(line);
    }
  }
  ASSERT_GT(items.size(), 40u);
  Diagnostics diags;
  Config config = load_config_text(
      "inputs:\n  - { name: k8s, type: k8s_audit, listen: \"127.0.0.1:0\", allow_plaintext: true, "
      "bearer_token: t }\n",
      "t.yaml", diags);
  CollectorContext ctx{"h", "/tmp", "/tmp"};
  auto built = make_k8s_audit_collector(config.inputs.at(0), ctx, diags);
  ASSERT_NE(built, nullptr);
  auto* c = static_cast<K8sAuditCollector*>(built.get());
  RecordingConsumer out;
  c->start(out);
  for (int i = 0; i < 500 && c->port() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Url url;
  std::string err;
  parse_url("http://127.0.0.1:" + std::to_string(c->port()), url, err);
  auto http = HttpClient::create(url, {}, std::chrono::seconds(10), err);
  ASSERT_TRUE(http) << err;
  // The API server batches events; send them as batches of 10.
  for (size_t i = 0; i < items.size(); i += 10) {
    std::string body = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)";
    for (size_t j = i; j < std::min(items.size(), i + 10); ++j) body += (j > i ? "," : "") + items[j];
    body += "]}";
    HttpClient::Response res;
    ASSERT_TRUE(http->request("POST", "/k8s-audit", {{"authorization", "Bearer t"}}, "", body, res, err))
        << err;
    EXPECT_EQ(res.status, 200u) << res.body;
  }
  c->stop();
  EXPECT_EQ(out.size(), items.size());
  for (const Event& e : out.events()) {
    EXPECT_EQ(e.logsource().to_string(), "kubernetes/audit");
    EXPECT_FALSE(e.text("verb").empty());
  }
}

}  // namespace
}  // namespace tripline
