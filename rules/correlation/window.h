#pragma once
#include <optional>
#include <string>
#include <vector>

#include "rules/correlation/compiled_correlation.h"

namespace tripline::correlation {

// What a satisfied window produces: its bounds, the figure the condition was tested on, and
// the events behind it.
struct Fire {
  int64_t window_start = 0;
  int64_t window_end = 0;  // window_start + timespan: the alert's ends_at
  int64_t time = 0;        // the latest occurrence in the window: the alert's time
  uint64_t count = 0;      // events behind the alert
  double value = 0;        // count, distinct values, sum, average, share or rules seen
  std::vector<EventJson> events;
  std::vector<std::string> values;  // value_percentile: the values whose share held
};

// Window semantics (docs/rule-writing.md, "Correlation rules"): a window is any span of event
// time [L, L + timespan], both ends included, that starts at an occurrence; an occurrence
// belongs to it when its whole extent lies inside.

// Places `entry` in `g` by time and keeps the group within `c.max_entries` (oldest dropped
// first; value_count keeps one entry per value, temporal one per rule). Returns its index, or
// SIZE_MAX when the entry itself was dropped; `dropped` counts entries the bound pushed out.
size_t insert_entry(const CompiledCorrelation& c, GroupState& g, Entry entry,
                    size_t* dropped = nullptr);

// Eager conditions: the earliest window that contains entries[p] and satisfies the condition.
std::optional<Fire> find_window(const CompiledCorrelation& c, const GroupState& g, size_t p,
                                size_t alert_events);

// Windows judged at close: the open window [g.window_start, + timespan] and whether its
// figure satisfies the condition.
std::optional<Fire> judge_window(const CompiledCorrelation& c, const GroupState& g,
                                 size_t alert_events);

// Drops entries that can no longer join a window once event time has reached `horizon`
// (= clock - lateness); true when the group holds nothing worth keeping.
bool prune(const CompiledCorrelation& c, GroupState& g, int64_t horizon);

}  // namespace tripline::correlation
