#pragma once
#include <prometheus/counter.h>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/diagnostic.h"
#include "rules/lua/lua_limits.h"
#include "rules/lua/lua_rule_types.h"
#include "rules/matcher.h"

namespace tripline {

namespace lua {
class LuaFileInstance;
class RuleStateStore;
struct AlertSpec;
}  // namespace lua

// How Lua rules plug into the rest of the engine; every hook is optional.
struct LuaMatcherHooks {
  // Severity policy: the grade an alert of `rule` gets. `requested` is alert{sev=...} or the
  // rule's sev. Default: `requested` unchanged.
  std::function<Sev(const LuaRuleInfo& rule, Sev requested, const Event& event)> grade;
  // Whether a rule asking for logsource `rule` sees events of logsource `event` (the Sigma
  // catalog's routing, where linux/sshd lines are linux/auth events too). Default: each
  // non-empty member of `rule` equals the event's.
  std::function<bool(const LogSource& rule, const LogSource& event)> routes;
  // Told about every alert a rule produced, before it is appended (correlation). Called from
  // several threads at once.
  std::function<void(const LuaRuleInfo& rule, const Event& event, const Alert& alert)> on_match;
};

// A rule file as loaded: its source (every instance runs it) and what it declared.
struct LuaRuleFile {
  std::string path;
  std::string source;
  std::vector<LuaRuleInfo> rules;
  std::vector<LuaRuleTest> tests;
};

// Everything a LuaMatcher is built from; immutable once loaded, shared by the matchers made
// from it (the production one, and fresh ones for `rules test`).
struct LuaProgram {
  std::vector<LuaRuleFile> files;
  LuaLimits limits;
  std::string state_dir;  // "" keeps rule state in memory only
  LuaMatcherHooks hooks;
};

// The Matcher over a set of Lua rule files.
//  - Routing: an event is offered to the rules whose logsource it satisfies (each non-empty
//    member equal, or as hooks.routes decides); plans are cached per logsource.
//  - Concurrency: each file has `limits.instances` lua_States, each behind a mutex; an
//    evaluation takes a free one (or waits for one), so evaluate() is safe from many threads.
//    Stateful rules keep their `state` in one store shared by the instances.
//  - Isolation: a rule that exceeds a limit is quarantined at once, one that errors
//    `max_errors` times within `error_window` too: it is skipped from then on (until reload, or
//    for `quarantine_for`), tripline_rule_errors_total counts every error, and the quarantine
//    emits one SEV3 self-alert (rule_id "tripline.lua.quarantine"). The state that ran the
//    offending call is rebuilt from source so the file's other rules start from a clean heap.
class LuaMatcher : public Matcher {
 public:
  struct RuleStatus {
    bool quarantined = false;
    uint64_t errors = 0;
    std::string last_error;
  };

  // Builds the states of `files` (indices into program->files; all when empty). `first` may
  // hand over an already loaded instance per file (the one load_lua_rules ran), in the same
  // order. Null when a state cannot be built; the problems are in `diags`.
  static std::shared_ptr<LuaMatcher> create(
      std::shared_ptr<const LuaProgram> program, std::vector<size_t> files,
      std::vector<std::unique_ptr<lua::LuaFileInstance>> first, Diagnostics& diags);
  ~LuaMatcher() override;

  void evaluate(const Event& event, std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;
  size_t rule_count() const override { return rules_.size(); }

  const LuaProgram& program() const { return *program_; }
  std::vector<const LuaRuleInfo*> rules() const;
  // Null when no such rule is loaded here.
  std::optional<RuleStatus> status(const std::string& rule_id) const;
  // Writes every persisted state store now (also done by advance() and finish()).
  void save_state();

  static constexpr const char* kQuarantineRuleId = "tripline.lua.quarantine";

 private:
  struct Rule;
  struct File;
  struct Route {
    File* file;
    std::vector<Rule*> rules;
  };
  struct Plan {
    std::vector<Route> routes;
  };

  explicit LuaMatcher(std::shared_ptr<const LuaProgram> program);
  const Plan& plan_for(const LogSource& ls);
  const Plan& lookup_plan(const LogSource& ls);
  void run_route(const Route& route, const Event& event, std::vector<Alert>& alerts);
  bool enabled(Rule& rule);
  void on_success(Rule& rule, const Event& event, bool matched, lua::LuaFileInstance& inst,
                  std::vector<Alert>& alerts);
  // True when the rule got quarantined by this error.
  bool on_error(Rule& rule, const std::string& error, int line, bool limit_exceeded,
                const char* limit, const Event& event, std::vector<Alert>& alerts);
  void rebuild(File& file, size_t slot);
  Alert make_alert(const Rule& rule, const Event& event, const lua::AlertSpec* spec,
                   size_t index) const;
  void emit(Rule& rule, const Event& event, Alert alert, std::vector<Alert>& alerts);
  Alert quarantine_alert(const Rule& rule, const std::string& reason, const Event& event) const;

  std::shared_ptr<const LuaProgram> program_;
  std::vector<std::unique_ptr<File>> files_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::unordered_map<std::string, Rule*> by_id_;
  std::shared_mutex plans_mutex_;
  std::unordered_map<std::string, std::unique_ptr<Plan>> plans_;
  std::mutex flush_mutex_;
  std::chrono::steady_clock::time_point last_flush_;
  const uint64_t instance_id_;  // keys the per-thread plan cache (addresses get reused)
};

}  // namespace tripline
