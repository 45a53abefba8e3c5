#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/correlation/compiled_correlation.h"
#include "rules/correlation/correlation_options.h"
#include "rules/correlation/window.h"
#include "rules/sigma/match_observer.h"

namespace tripline::correlation {

struct EngineOptions {
  CorrelationOptions options;
  // Own, empty, memory-only state instead of the compiled correlations' (rule tests).
  bool fresh_state = false;
  // The agent persists state: finish() (agent stop) leaves windows that are still open to be
  // judged after the restart instead of judging them early. Replay judges them at finish().
  bool keep_open_windows = false;
};

// A group's identity: its group-by values in order, each present or missing (null).
using GroupValues = std::vector<std::optional<std::string>>;
std::string encode_group_key(const GroupValues& values);
bool decode_group_key(std::string_view key, GroupValues& out);

// The correlation engine: a Sigma match observer that feeds every match of a referenced rule
// into its correlations' group windows and raises correlation alerts. Event time drives it.
// Thread-safe: groups live in sharded stores (rules/state/), so threads evaluating events of
// different groups do not wait on each other. Never throws.
// Time: the event clock (newest event time) decides lateness and expiry; windows judged at close
// are judged once the later of the event clock and the advance() clock is past their end plus
// the lateness.
class CorrelationEngine : public sigma::MatchObserver {
 public:
  CorrelationEngine(std::shared_ptr<const CorrelationSet> set,
                    std::shared_ptr<const SeverityPolicy> policy, EngineOptions options);

  void on_match(const sigma::CompiledRule& rule, const Event& event,
                std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;

  GroupStore& store(size_t correlation) { return *stores_[correlation]; }
  const CorrelationSet& set() const { return *set_; }

 private:
  struct Pending {
    size_t correlation;
    std::string key;
    Fire fire;
    std::string host;
    std::string source;
  };

  // `rendering` (null: none): the entry may carry the event's rendering, captured on first need
  // into *rendering and shared by every correlation of the event (rendered only if an alert
  // shows it).
  void add(size_t ci, const std::string& key, Entry entry, const Event* event,
           EventJson* rendering, std::string_view host, std::string_view source,
           std::vector<Alert>& alerts);
  void raise(Pending p, const Event* event, std::vector<Alert>& alerts);
  void sweep(bool closing_all, bool with_eager, std::vector<Alert>& alerts);
  static void raise_to(std::atomic<int64_t>& clock, int64_t t_ms);

  std::shared_ptr<const CorrelationSet> set_;
  std::shared_ptr<const SeverityPolicy> policy_;
  EngineOptions options_;
  std::vector<std::shared_ptr<GroupStore>> stores_;
  int64_t lateness_ms_;
  int64_t sweep_every_ms_;
  bool has_close_windows_ = false;
  // Newest event time seen: lateness and expiry are measured on it, so they do not depend on
  // how fast events arrive (replay and live agree).
  std::atomic<int64_t> clock_ms_{kNoTime};
  // Newest time advance() was given (wall clock live): closes windows judged at close while the
  // input is quiet.
  std::atomic<int64_t> wall_ms_{kNoTime};
  std::atomic<int64_t> swept_at_ms_{kNoTime};
  // Matches since the last sweep: a sweep walks every group, so it waits until the matches since
  // the last one are a good fraction of the groups it would walk (amortised O(1) per match).
  std::atomic<uint64_t> matches_since_sweep_{0};
};

}  // namespace tripline::correlation
