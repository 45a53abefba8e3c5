#pragma once
#include <string>

#include "core/alert.h"

namespace tripline {

struct SyslogFormat {
  int facility = 4;                     // auth (RFC 5424 facility code)
  std::string app_name = "tripline";
  std::string sd_id = "tripline@32473";  // 32473: the documentation enterprise number (RFC 5612)
  enum class Message { kJson, kTitle } message = Message::kJson;
  int procid = 0;                       // 0: "-"
};

// One RFC 5424 message (no framing): <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG with
// MSGID = rule id, structured data [<sd_id> alert_id rule_id sev level source count trace_id
// title runbook] plus [group@<enterprise> <group fields>], and MSG the alert JSON (or its title).
// Header fields are cut to their RFC lengths and to printable ASCII; SD values are escaped.
std::string format_rfc5424(const Alert& alert, const SyslogFormat& format);

// SEV0 → alert(1), SEV1 → crit(2), SEV2 → err(3), SEV3 → warning(4), SEV4 → notice(5).
int syslog_severity(Sev sev);

// RFC 5425 / 6587 octet counting: "<length> <message>".
std::string octet_counted(const std::string& message);

}  // namespace tripline
