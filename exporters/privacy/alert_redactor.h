#pragma once
#include <memory>
#include <optional>

#include "core/alert.h"
#include "exporters/privacy/json_redactor.h"
#include "exporters/privacy/privacy_policy.h"
#include "exporters/privacy/pseudonymizer.h"

namespace tripline {

// Applies the privacy policy to an alert before it reaches any spool or sink. The lists of every
// policy entry whose logsource matches the alert's apply to:
//   - each event document (re-rendered: selected fields hashed or removed),
//   - `group` and `fields` entries keyed by a selected field,
//   - and, by value, everything else carrying an event's text: other event strings
//     (event.original, message, ...), group/fields values, title, host, trace_id, runbook,
//     change_id. A hashed value becomes its token there too; a dropped one "[redacted]".
// alert_id is kept (it was derived from raw values before redaction, so replays still dedup),
// or replaced by its HMAC with `alert_id: hmac`, which is as stable. rule_id, sev, level,
// logsource, tags and enrichment come from rules and config and are left alone.
// An event that cannot be read as JSON is withheld (replaced by a marker) rather than forwarded
// unredacted; counted in tripline_privacy_events_withheld_total. Thread-safe.
class AlertRedactor {
 public:
  explicit AlertRedactor(PrivacyPolicy policy);

  void apply(Alert& alert) const;
  const PrivacyPolicy& policy() const { return policy_; }

  // What replaces an event that could not be redacted.
  static constexpr std::string_view kWithheldEvent =
      R"({"tripline.privacy":"event withheld: not readable as JSON"})";

 private:
  FieldSelection selection_for(const LogSource& logsource) const;

  PrivacyPolicy policy_;
  std::optional<Pseudonymizer> pseudonymizer_;
};

}  // namespace tripline
