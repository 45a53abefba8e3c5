#include "rules/severity/change_approval.h"

#include <gtest/gtest.h>

#include "lifecycle_test_util.h"
#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline {
namespace {

using namespace lifecycle_testing;
using std::chrono::hours;
using std::chrono::minutes;

const char* kChanges = R"(
changes:
  approved:
    - id: CHG-1042
      start: 2026-11-23T09:00:00Z
      end: 2026-11-23T11:00:00Z
      principals: ["arn:aws:sts::111122223333:assumed-role/terraform/*"]
      accounts: ["111122223333"]
    - id: CHG-2001
      ticket: CHG-2001
)";

LifecycleRule iam_rule() {
  LifecycleRule r;
  r.tags = {"attack.persistence", "tripline.iam-mutation"};
  return r;
}

std::shared_ptr<AlertLifecycle> make_approving_lifecycle(const std::string& yaml) {
  Diagnostics diags;
  auto policy = policy_from(yaml, diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return std::make_shared<AlertLifecycle>(
      policy, std::unordered_map<std::string, LifecycleRule>{{"iam", iam_rule()},
                                                             {"other", LifecycleRule{}}});
}

std::string cloudtrail(const std::string& arn, const std::string& time,
                       const std::string& account = "111122223333") {
  return R"({"eventTime":")" + time + R"(","eventName":"CreateUser","recipientAccountId":")" +
         account + R"(","userIdentity":{"arn":")" + arn + R"("}})";
}

std::vector<Alert> run_lifecycle(AlertLifecycle& lc, const std::string& rule, const std::string& json,
                       const std::string& time) {
  const Event e = sigma::testing::json_event(json, {"aws", "cloudtrail", ""});
  std::vector<Alert> out{alert(rule, rule + json, at(time), Sev::kSev1)};
  lc.process(out, 0, &e);
  return out;
}

TEST(ChangeApproval, IamMutationInsideTheWindowByTheApprovedPrincipalIsSev4WithChangeId) {
  auto lc = make_approving_lifecycle(kChanges);
  const auto out = run_lifecycle(
      *lc, "iam",
      cloudtrail("arn:aws:sts::111122223333:assumed-role/terraform/ci-42", "2026-11-23T10:00:00Z"),
      "2026-11-23T10:00:00Z");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sev, Sev::kSev4);
  EXPECT_EQ(out[0].change_id, "CHG-1042");
  EXPECT_NE(out[0].to_json().find(R"("change_id":"CHG-1042")"), std::string::npos);
}

TEST(ChangeApproval, OutsideTheWindowKeepsItsSeverity) {
  auto lc = make_approving_lifecycle(kChanges);
  for (const char* t : {"2026-11-23T08:59:59Z", "2026-11-23T11:00:00Z"}) {
    const auto out =
        run_lifecycle(*lc, "iam", cloudtrail("arn:aws:sts::111122223333:assumed-role/terraform/ci", t), t);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].sev, Sev::kSev1) << t;
    EXPECT_TRUE(out[0].change_id.empty()) << t;
  }
}

TEST(ChangeApproval, OtherPrincipalOrAccountInsideTheWindowKeepsItsSeverity) {
  auto lc = make_approving_lifecycle(kChanges);
  const std::string t = "2026-11-23T10:00:00Z";
  auto out = run_lifecycle(*lc, "iam", cloudtrail("arn:aws:iam::111122223333:user/mallory", t), t);
  EXPECT_EQ(out[0].sev, Sev::kSev1);
  out =
      run_lifecycle(*lc, "iam",
          cloudtrail("arn:aws:sts::999999999999:assumed-role/terraform/ci", t, "999999999999"), t);
  EXPECT_EQ(out[0].sev, Sev::kSev1);
}

TEST(ChangeApproval, RulesOutsideTheSelectionAreNeverGraded) {
  auto lc = make_approving_lifecycle(kChanges);
  const std::string t = "2026-11-23T10:00:00Z";
  const auto out =
      run_lifecycle(*lc, "other", cloudtrail("arn:aws:sts::111122223333:assumed-role/terraform/ci", t), t);
  EXPECT_EQ(out[0].sev, Sev::kSev1);
  EXPECT_TRUE(out[0].change_id.empty());
}

TEST(ChangeApproval, TicketCarriedInTheSessionNameApprovesAtAnyTime) {
  auto lc = make_approving_lifecycle(kChanges);
  const std::string t = "2026-12-01T03:00:00Z";
  auto out =
      run_lifecycle(*lc, "iam", cloudtrail("arn:aws:sts::111122223333:assumed-role/deployer/CHG-2001", t), t);
  EXPECT_EQ(out[0].change_id, "CHG-2001");
  EXPECT_EQ(out[0].sev, Sev::kSev4);
  // A longer ticket id that merely starts with it is another ticket.
  out = run_lifecycle(*lc, "iam", cloudtrail("arn:aws:sts::111122223333:assumed-role/deployer/CHG-20011", t),
            t);
  EXPECT_TRUE(out[0].change_id.empty());
}

TEST(ChangeApproval, TicketInRequestTags) {
  auto lc = make_approving_lifecycle(kChanges);
  const std::string t = "2026-12-01T03:00:00Z";
  const std::string json =
      R"({"eventName":"CreateUser","userIdentity":{"arn":"arn:aws:iam::1:user/a"},)"
      R"("requestParameters":{"tags":[{"key":"change","value":"CHG-2001"}]}})";
  EXPECT_EQ(run_lifecycle(*lc, "iam", json, t)[0].change_id, "CHG-2001");
}

TEST(ChangeApproval, AlertsWithoutAnEventAreJudgedByTheirGroupAndFields) {
  auto lc = make_approving_lifecycle(kChanges);
  Alert a = alert("iam", "g", at("2026-11-23T10:30:00Z"), Sev::kSev2,
                  {{"userIdentity.arn", "arn:aws:sts::111122223333:assumed-role/terraform/x"},
                   {"recipientAccountId", "111122223333"}});
  EXPECT_EQ(pass(*lc, a)[0].change_id, "CHG-1042");
}

TEST(ChangeApproval, ApprovedChangesDoNotEscalate) {
  auto lc = make_approving_lifecycle(std::string(kChanges) + "escalation: [{count: 2, within: 1h}]\n");
  const std::string t = "2026-12-01T03:00:00Z";
  const std::string arn = "arn:aws:sts::111122223333:assumed-role/deployer/CHG-2001";
  run_lifecycle(*lc, "iam", cloudtrail(arn, t) + " ", t);
  EXPECT_EQ(run_lifecycle(*lc, "iam", cloudtrail(arn, t), t)[0].sev, Sev::kSev4);
}

TEST(ChangeApproval, CustomSelectionAndFields) {
  auto lc = make_approving_lifecycle(R"(
changes:
  select: {rule: other}
  principal_fields: [actor.id]
  approved:
    - {id: C1, start: 2026-11-23T00:00:00Z, end: 2026-11-24T00:00:00Z, principals: [svc-*]}
)");
  const std::string t = "2026-11-23T10:00:00Z";
  EXPECT_EQ(run_lifecycle(*lc, "other", R"({"actor":{"id":"svc-deploy"}})", t)[0].change_id, "C1");
  EXPECT_TRUE(run_lifecycle(*lc, "iam", R"({"actor":{"id":"svc-deploy"}})", t)[0].change_id.empty());
}

Diagnostics read_errors(const std::string& yaml) {
  Diagnostics diags;
  policy_from(yaml, diags);
  return diags;
}

TEST(ChangeApprovalConfig, ErrorsPointAtTheLine) {
  const Diagnostics d = read_errors(R"(
changes:
  approved:
    - id: A
      start: 2026-11-23T09:00:00Z
    - id: B
      start: yesterday
      end: 2026-11-23T11:00:00Z
    - start: 2026-11-23T09:00:00Z
      end: 2026-11-23T08:00:00Z
    - id: A
      ticket: X
    - id: E
      principals: [p]
    - id: F
      ticket: F
      colour: blue
)");
  std::vector<std::pair<int, std::string>> got;
  for (const Diagnostic& x : d.items) got.emplace_back(x.line, x.message);
  auto has = [&](int line, const std::string& text) {
    for (const auto& [l, m] : got) {
      if (l == line && m.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(5, "both start and end"));
  EXPECT_TRUE(has(7, "RFC 3339"));
  EXPECT_TRUE(has(9, "id"));
  EXPECT_TRUE(has(10, "end after it starts"));
  EXPECT_TRUE(has(11, "listed twice"));
  EXPECT_TRUE(has(13, "a window (start, end), a ticket, or both"));
  EXPECT_TRUE(has(17, "colour"));
  for (const Diagnostic& x : d.items) EXPECT_EQ(x.file, "tripline.yaml");
}

TEST(ChangeApprovalMatching, WildcardsAndTokens) {
  EXPECT_TRUE(wildcard_match("arn:*:role/ci-*", "arn:aws:iam::1:role/ci-deploy"));
  EXPECT_FALSE(wildcard_match("arn:*:role/ci-*", "arn:aws:iam::1:role/cd-deploy"));
  EXPECT_TRUE(wildcard_match("exact", "exact"));
  EXPECT_FALSE(wildcard_match("exact", "exact-not"));
  EXPECT_TRUE(contains_token("assumed-role/deployer/CHG-7", "CHG-7"));
  EXPECT_FALSE(contains_token("assumed-role/deployer/CHG-77", "CHG-7"));
  EXPECT_FALSE(contains_token("XCHG-7", "CHG-7"));
  EXPECT_TRUE(contains_token(R"([{"value":"CHG-7"}])", "CHG-7"));
}

}  // namespace
}  // namespace tripline
