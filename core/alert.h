#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/logsource.h"
#include "core/sev.h"

namespace tripline {

// The alert contract of DESIGN §4.
struct Alert {
  std::string alert_id;
  std::string rule_id;
  std::string title;
  Sev sev = Sev::kSev4;
  std::string level;
  TimePoint time{};
  std::string host;
  std::string source;
  LogSource logsource;
  std::vector<std::pair<std::string, std::string>> group;
  uint64_t count = 1;
  std::vector<std::string> tags;
  std::vector<std::string> events;  // each one JSON document (see render_event_json)
  std::string trace_id;
  std::optional<TimePoint> ends_at;
  std::string runbook;
  std::string change_id;
  std::vector<std::pair<std::string, std::string>> fields;
  // Static enrichment of the input the events came from (env, team, ...).
  std::vector<std::pair<std::string, std::string>> enrichment;

  std::string to_json() const;
  // Appends to_json() to `out` (output loops reuse one buffer).
  void append_json(std::string& out) const;
};

// Builds the parts of an alert every rule kind shares from the event that triggered it: host,
// source, logsource, time, trace_id, enrichment, the rendered event, and for single-event rules
// alert_id from the rule id and the event's identity.
Alert alert_from_event(const Event& event, std::string rule_id);

// The event as one JSON document: the original object (minified) for JSON bodies, otherwise
// {"event.original": raw, <parsed fields>, "message": raw unless a parser set message}.
std::string render_event_json(const Event& event);
// The same, rendered once per event and cached on it (an event feeding a single-event alert and
// several correlations is rendered once).
std::shared_ptr<const std::string> shared_event_json(const Event& event);

// Stable identity of an event: its eventID/auditID when it has one, else input + origin + offset.
std::string event_identity(const Event& event);

// Trace correlation id carried from the event (traceId, trace_id, correlation_id, correlationId).
std::string extract_trace_id(const Event& event);

}  // namespace tripline
