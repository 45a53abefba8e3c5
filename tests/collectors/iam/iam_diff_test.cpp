#include "collectors/iam/iam_diff.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace tripline {
namespace {

IamSnapshot load(const std::string& name) {
  std::ifstream in(std::string(TRIPLINE_FIXTURES_DIR) + "/iam/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  IamSnapshot s;
  std::string error;
  EXPECT_TRUE(parse_iam_snapshot(ss.str(), s, error)) << error;
  return s;
}

std::string key(const IamFinding& f) { return f.kind + " " + f.principal + " " + f.detail + " " + f.sev; }

// tests/fixtures/iam/snapshot.json is baseline.json with nine planted changes, plus reformatting
// (key order, single values vs lists, an older policy version kept) and narrowing (a rotated key)
// that must not be reported.
TEST(IamDiff, FindsEveryPlantedChangeAndNothingElse) {
  const std::vector<IamFinding> findings = diff_iam(load("baseline.json"), load("snapshot.json"));
  std::multiset<std::string> got;
  for (const auto& f : findings) got.insert(key(f));
  const std::multiset<std::string> expected = {
      "new_user user/mallory mallory SEV2",
      "inline_policy_added user/mallory everything SEV2",
      R"(wildcard_grant user/mallory everything: {"Action":"*","Effect":"Allow","Resource":"*"} SEV1)",
      "new_access_key user/mallory AKIAMALLORY0000001 SEV2",
      "new_access_key user/alice AKIAALICE000000002 SEV2",
      "mfa_removed user/bob arn:aws:iam::111122223333:mfa/bob SEV1",
      "group_joined user/bob admins SEV2",
      "policy_attached role/app arn:aws:iam::aws:policy/AdministratorAccess SEV1",
      "trust_widened role/auditor * SEV1",
      R"(statement_added role/app queue: {"Action":"secretsmanager:GetSecretValue","Effect":"Allow","Resource":"*"} SEV2)",
      R"(statement_added arn:aws:iam::111122223333:policy/dev-tools default version: {"Action":"iam:PassRole","Effect":"Allow","Resource":"*"} SEV2)",
      "new_role role/backdoor backdoor SEV2",
  };
  EXPECT_EQ(got, expected);
}

TEST(IamDiff, IdenticalSnapshotsHaveNoDrift) {
  EXPECT_TRUE(diff_iam(load("baseline.json"), load("baseline.json")).empty());
}

TEST(IamDiff, NarrowingIsNotDrift) {
  // The reverse direction removes users, keys, statements and trust: only the MFA device that
  // bob regains... is an addition, and additions of MFA are not findings either.
  const auto findings = diff_iam(load("snapshot.json"), load("baseline.json"));
  for (const auto& f : findings) {
    EXPECT_NE(f.kind, "new_user") << key(f);
    EXPECT_NE(f.kind, "mfa_removed") << key(f);
    EXPECT_NE(f.kind, "wildcard_grant") << key(f);
  }
}

TEST(IamDiff, WildcardStatementNeedsStarActionAndStarResource) {
  EXPECT_TRUE(is_wildcard_statement(R"({"Action":"*","Effect":"Allow","Resource":"*"})"));
  EXPECT_TRUE(is_wildcard_statement(R"({"Action":["s3:*","*"],"Effect":"Allow","Resource":["*"]})"));
  EXPECT_FALSE(is_wildcard_statement(R"({"Action":"s3:*","Effect":"Allow","Resource":"*"})"));
  EXPECT_FALSE(is_wildcard_statement(R"({"Action":"*","Effect":"Deny","Resource":"*"})"));
}

TEST(IamDiff, OtherDocumentsAreRejected) {
  IamSnapshot s;
  std::string error;
  EXPECT_FALSE(parse_iam_snapshot("{\"Records\":[]}", s, error));
  EXPECT_FALSE(parse_iam_snapshot("not json", s, error));
  EXPECT_TRUE(parse_iam_snapshot("{\"UserDetailList\":[]}", s, error));
}

}  // namespace
}  // namespace tripline
