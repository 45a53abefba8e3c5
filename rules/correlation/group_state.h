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

// The rendered events of one entry. Almost every entry carries one event or none (several only
// when it stands for a referenced correlation's alert): the first is held inline, so a new
// group's entry costs no heap block of its own.
class EntryEvents {
 public:
  bool empty() const { return !first_; }
  size_t size() const { return first_ ? 1 + rest_.size() : 0; }
  void push_back(EventJson e) {
    if (!first_) {
      first_ = std::move(e);
    } else {
      rest_.push_back(std::move(e));
    }
  }
  template <class It>
  void assign(It begin, It end) {
    first_.reset();
    rest_.clear();
    for (; begin != end; ++begin) push_back(*begin);
  }
  // fn(const EventJson&) for each, in order.
  template <class Fn>
  void for_each(Fn&& fn) const {
    if (!first_) return;
    fn(first_);
    for (const EventJson& e : rest_) fn(e);
  }
  size_t heap_bytes() const { return rest_.capacity() * sizeof(EventJson); }

 private:
  EventJson first_;
  std::vector<EventJson> rest_;
};

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
  EntryEvents events;

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
