#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/event.h"

namespace tripline {

// An event's JSON document (render_event_json) that is rendered on first use. Correlation
// windows keep the first events of every group, yet most groups expire without an alert: a
// text event is kept as a compact copy of what its rendering reads (the raw line and its parsed
// fields, one allocation) and rendered only when an alert shows it or the window is persisted.
// The document is byte-identical to rendering the event at capture time.
// Thread-safe: json() may be called from several threads (one capture is shared by the
// correlations of different stores).
class EventRendering {
 public:
  // The event's cached rendering when it has one; a deferred copy for text bodies; otherwise
  // (JSON bodies, whose rendering validates the body) the rendering itself, cached on the event.
  static std::shared_ptr<const EventRendering> capture(const Event& event);
  // An already rendered document (restored state, tests).
  static std::shared_ptr<const EventRendering> from_json(std::string json);

  const std::string& json() const;
  // Heap bytes held, for state accounting. Constant over the object's life (counted before and
  // after rendering alike): an estimate of the rendering's size when it is deferred.
  size_t memory_bytes() const { return bytes_; }

  // Use capture() / from_json().
  EventRendering() = default;

 private:
  void render() const;

  // Deferred: the raw line, then per parsed field a 4-byte name length, the name, a 4-byte
  // value length and the value.
  std::string snapshot_;
  uint32_t raw_size_ = 0;
  mutable std::once_flag once_;
  mutable std::string json_;
  std::shared_ptr<const std::string> rendered_;  // set when captured already rendered
  size_t bytes_ = 0;
};

using EventRenderingPtr = std::shared_ptr<const EventRendering>;

}  // namespace tripline
