#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/alert.h"
#include "core/logsource.h"

namespace tripline {

// `throttle = "10m"` or `{ window = "10m", max_alerts = 5 }` (the Sigma `throttle:` extension):
// at most max_alerts alerts per window, enforced by the alert lifecycle like for YAML rules.
struct LuaThrottle {
  std::chrono::milliseconds window{0};
  uint64_t max_alerts = 1;
};

// What a Lua rule declared with rule{...} (DESIGN §5 "Lua rule file").
struct LuaRuleInfo {
  std::string id;
  std::string title;
  std::string description;
  std::string runbook;
  Sev sev = Sev::kSev2;
  std::string level;  // the Sigma level of `sev` (SEV1 → high), for the alert's `level`
  std::vector<std::string> tags;
  LogSource logsource;
  bool stateful = false;  // on_event(event, state) rather than match(event)
  std::optional<LuaThrottle> throttle;
  std::string file;
  SourceMark mark;  // the rule{ line
};

// One case of a rule's `tests` table, in the same shape as a Sigma rule's `tests:` so one runner
// can serve both: events (JSON documents, or raw log lines for a parser), then either
// expect = "match" | "no_match" or expect_alerts = N.
struct LuaTestEvent {
  std::string text;
  bool is_log = false;
};

struct LuaRuleTest {
  std::string rule_id;
  std::string name;
  std::vector<LuaTestEvent> events;
  enum class Expect { kMatch, kNoMatch, kAlerts } expect = Expect::kMatch;
  uint64_t expect_alerts = 0;
  std::optional<LogSource> logsource;  // default: the rule's
  std::string format;                  // parser for `log` lines; default from the logsource
  SourceMark mark;                     // the rule{ line (Lua tables carry no line numbers)
};

// Sigma level names by grade: SEV0 critical ... SEV4 informational.
const char* level_for_sev(Sev sev);

}  // namespace tripline
