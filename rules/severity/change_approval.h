#pragma once
#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_map.h"
#include "core/alert.h"
#include "core/field.h"
#include "rules/severity/rule_selector.h"

namespace tripline {

// Issue #6 layer 2, change approval: an alert of a selected rule (default: rules tagged
// `tripline.iam-mutation`) that falls inside an approved change is graded SEV4 and carries the
// change's id; outside every approved change it keeps its grade. `rules.severity.changes`:
//
//   changes:
//     select: { tag: tripline.iam-mutation }           # which rules changes can grade
//     principal_fields: [userIdentity.arn]             # where the acting principal is read
//     account_fields: [recipientAccountId, userIdentity.accountId]
//     ticket_fields: [userIdentity.sessionContext.sourceIdentity, userIdentity.arn,
//                     requestParameters.tags]
//     approved:
//       - id: CHG-1042                                  # required, unique; becomes change_id
//         start: 2026-11-23T09:00:00Z                   # RFC 3339; start and end go together
//         end: 2026-11-23T11:00:00Z
//         principals: ["arn:aws:sts::111122223333:assumed-role/terraform/*"]  # '*' wildcards
//         accounts: ["111122223333"]
//         rule: [...]                                   # narrows `select`
//         tag: [...]
//       - id: CHG-2001
//         ticket: CHG-2001   # the event carries this ticket id in one of ticket_fields
//
// A change needs a window (start + end), a ticket, or both; every criterion it names must hold.
// Times are the alert's event time, start inclusive, end exclusive.
struct ApprovedChange {
  std::string id;
  std::optional<TimePoint> start;
  std::optional<TimePoint> end;
  std::vector<std::string> principals;
  std::vector<std::string> accounts;
  RuleSelector select;
  std::string ticket;
  SourceMark mark;
};

class ChangeApprovals {
 public:
  // The value of a field of the alert's event (or of the alert itself), empty when absent.
  using FieldLookup = std::function<std::string_view(const FieldPath& path)>;

  ChangeApprovals();
  static ChangeApprovals read(const YAML::Node& node, const std::string& file, Diagnostics& diags);

  bool empty() const { return changes_.empty(); }
  // Whether changes may grade alerts of this rule at all (resolved once per rule).
  bool selects(std::string_view id, std::string_view name,
               const std::vector<std::string>& tags) const;
  // The first approved change covering an alert of a selected rule at `time`, null when none.
  const ApprovedChange* find(std::string_view id, std::string_view name,
                             const std::vector<std::string>& tags, TimePoint time,
                             const FieldLookup& field) const;

  const std::vector<ApprovedChange>& changes() const { return changes_; }

 private:
  bool any_field_matches(const std::vector<FieldPath>& fields,
                         const std::vector<std::string>& patterns, const FieldLookup& field,
                         bool token) const;

  RuleSelector select_;
  std::vector<FieldPath> principal_fields_;
  std::vector<FieldPath> account_fields_;
  std::vector<FieldPath> ticket_fields_;
  std::vector<ApprovedChange> changes_;
};

// '*' matches any run of characters (ARN patterns); everything else literally.
bool wildcard_match(std::string_view pattern, std::string_view text);
// Whether `token` occurs in `text` delimited by characters that cannot be part of a ticket id
// (so CHG-20 is not found in CHG-201, but is in "assumed-role/deployer/CHG-20").
bool contains_token(std::string_view text, std::string_view token);

}  // namespace tripline
