#pragma once
#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/event_rendering.h"
#include "core/json_writer.h"

namespace tripline::correlation {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// An event as alerts show it, rendered when first shown (core/event_rendering.h).
using EventJson = EventRenderingPtr;

// One occurrence inside a group's window: a match of a referenced rule (start == end == event
// time) or an alert of a referenced correlation (its window start .. its time).
struct Entry {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  uint32_t slot = 0;     // index into the correlation's `rules:`
  uint32_t count = 1;    // events behind it
  double number = 0;     // value_sum / value_avg / value_percentile: the field as a number
  std::string value;     // value_count / value_percentile: the field's text
  // Rendered events (render_event_json) for the alert's `events`; only the first few entries of
  // a window carry them (rules.correlation.alert_events), the others stay light. Shared: the
  // correlations one event feeds hold the same rendering.
  std::vector<EventJson> events;

  size_t memory_bytes() const;
};

// The state of one group (one combination of group-by values) of one correlation rule.
struct GroupState {
  std::vector<Entry> entries;  // ordered by end_ms, then arrival
  // After an alert, occurrences up to the end of its window belong to that alert: none starts a
  // second one (so a burst pages once, not once per event past the threshold).
  int64_t absorbed_until = kNoTime;
  // Windows judged when they close (conditions with upper bounds, value_percentile): the start
  // of the open window, and the end of the last one judged (anything older is late).
  int64_t window_start = kNoTime;
  int64_t closed_until = kNoTime;
  // Where the group's first event came from, for alerts raised when no event is at hand.
  std::string host;
  std::string source;

  size_t memory_bytes() const;
  size_t events_held() const;
  // Back to a new group's state, keeping the entries' buffer (KeyedStore reuses removed groups).
  void recycle();
  void encode(JsonWriter& w) const;
  bool decode(simdjson::dom::element e);
};

}  // namespace tripline::correlation
