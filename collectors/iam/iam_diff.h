#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tripline {

// One account's IAM state as `aws iam get-account-authorization-details` prints it. Two optional
// per-user extensions carry what that call leaves out: "AccessKeyMetadata" (from
// `aws iam list-access-keys`) and "MFADevices" (from `aws iam list-mfa-devices`); a snapshot
// script merges them into each UserDetailList item. Statements are kept in a canonical form
// (object keys sorted, single values and lists compared alike) so reformatting is not drift.
struct IamPrincipal {
  std::string kind;  // user | group | role
  std::string name;
  std::set<std::string> attached;                            // managed policy ARNs
  std::map<std::string, std::set<std::string>> inline_statements;  // policy name → statements
  std::set<std::string> groups;        // users: group memberships
  std::set<std::string> access_keys;   // users: key ids (only when AccessKeyMetadata is present)
  std::set<std::string> mfa_devices;   // users: serial numbers (only when MFADevices is present)
  bool has_access_key_data = false;
  bool has_mfa_data = false;
  std::set<std::string> trust_principals;  // roles: who may assume ("*", "AWS:arn", "Service:x")
};

struct IamSnapshot {
  std::map<std::string, IamPrincipal> principals;  // "user/alice", "role/admin", "group/dev"
  std::map<std::string, std::set<std::string>> managed_policies;  // ARN → default version statements
};

// Parses a snapshot document. False with `error` when it is not one.
bool parse_iam_snapshot(std::string_view json, IamSnapshot& out, std::string& error);

// One difference that widens access, as an event: `kind` is new_user, new_role, new_group,
// new_access_key, mfa_removed, policy_attached, group_joined, inline_policy_added,
// statement_added (inline or managed), wildcard_grant, trust_widened.
struct IamFinding {
  std::string kind;
  std::string principal;  // "user/alice"; the policy ARN for managed policy changes
  std::string detail;     // what was added or removed (a policy ARN, a key id, a statement, ...)
  std::string sev;        // SEV1 for wildcard_grant, trust_widened with "*", mfa_removed; else SEV2
  // {"iam_drift":{"kind":..,"principal":..,"detail":..,"sev":..}} — the event body.
  std::string to_json() const;
};

// Everything in `snapshot` that grants more than `baseline` does, in a stable order. Removals
// (narrowing) are not findings, except MFA devices, whose removal weakens an identity.
std::vector<IamFinding> diff_iam(const IamSnapshot& baseline, const IamSnapshot& snapshot);

// True when a canonical statement allows every action on every resource.
bool is_wildcard_statement(const std::string& canonical_statement);

}  // namespace tripline
