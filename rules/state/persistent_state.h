#pragma once
#include <string>
#include <string_view>

namespace tripline::state {

// What the agent-lifetime StateRegistry needs from one rule's state: a way to write it to
// state_dir and read it back (so a restart mid-window keeps the window), and a hook to refresh
// its gauges. Implementations are thread-safe; none of these throws except std::bad_alloc.
class PersistentState {
 public:
  virtual ~PersistentState() = default;

  // The whole state as one JSON document.
  virtual std::string encode() const = 0;
  // Replaces the contents with a document encode() wrote. False with `error` (contents left
  // empty) when the document is damaged or of another format.
  virtual bool decode(std::string_view json, std::string& error) = 0;
  // True when the state changed since the last encode().
  virtual bool dirty() const = 0;
  // Marks the state changed (a save that failed after encode() must be retried).
  virtual void set_dirty() = 0;
  // Pushes the key count and memory estimate to tripline_state_keys / tripline_state_bytes.
  virtual void publish_metrics() = 0;
};

}  // namespace tripline::state
