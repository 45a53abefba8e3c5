#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "rules/state/persistent_state.h"

namespace tripline::state {

// The agent-lifetime home of every stateful rule's state (correlation windows, baselines). It
// lives in the Agent and outlives rule sets: a rule set acquires the state of each of its
// stateful rules by (kind, rule id, digest of the rule's definition), so a SIGHUP reload hands
// an unchanged rule the very same state object, while a changed rule (new digest) starts fresh.
// After a reload succeeds the agent calls retain() with the keys the new rule set acquired and
// everything else (changed and removed rules) is dropped with its file; a failed reload
// retains nothing new and the running rule set keeps its state (all-or-nothing).
//
// Persistence: with a state_dir, each state is one JSON file under <state_dir>/rule-state/,
// loaded when the state is first acquired and written atomically by save_all() (the agent calls
// it periodically and on clean stop). A file that cannot be read is logged, counted in
// tripline_state_load_errors_total, moved aside as *.corrupt, and the state starts empty: a
// damaged file never stops the agent. Thread-safe.
class StateRegistry {
 public:
  // "" keeps every state in memory only (replay, tests).
  explicit StateRegistry(std::string state_dir = "");
  StateRegistry(const StateRegistry&) = delete;
  StateRegistry& operator=(const StateRegistry&) = delete;

  using Factory = std::function<std::shared_ptr<PersistentState>()>;

  // The state of (kind, rule_id, digest): the existing object when there is one, else make()'s,
  // loaded from its file when state_dir has one. `kind` names the engine ("correlation",
  // "baseline") so two engines' states of one rule id never collide. The returned key is what
  // retain() takes.
  std::shared_ptr<PersistentState> acquire(const std::string& kind, const std::string& rule_id,
                                           const std::string& digest, const Factory& make,
                                           std::string* key_out = nullptr);
  template <class S>
  std::shared_ptr<S> acquire_as(const std::string& kind, const std::string& rule_id,
                                const std::string& digest,
                                const std::function<std::shared_ptr<S>()>& make,
                                std::string* key_out = nullptr) {
    return std::dynamic_pointer_cast<S>(
        acquire(kind, rule_id, digest, [&] { return std::shared_ptr<PersistentState>(make()); },
                key_out));
  }

  // Keeps exactly the states whose keys are listed; drops the others and deletes their files
  // (and state files in state_dir that belong to no kept state, left by rules removed while
  // the agent was down).
  void retain(const std::set<std::string>& keys);

  // Writes every state that changed since its last save. False with `error` listing the files
  // that failed (they stay dirty and are tried again next time).
  bool save_all(std::string& error);
  // Refreshes tripline_state_keys / tripline_state_bytes of every state.
  void publish_metrics();

  size_t size() const;
  const std::string& state_dir() const { return state_dir_; }
  // Where the state of (kind, rule_id, digest) is persisted; "" without a state_dir.
  std::string file_for(const std::string& kind, const std::string& rule_id,
                       const std::string& digest) const;

 private:
  struct Entry {
    std::shared_ptr<PersistentState> state;
    std::string rule_id;
    std::string file;
  };
  void load(Entry& entry);

  const std::string state_dir_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace tripline::state
