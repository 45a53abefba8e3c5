#include "rules/lua/lua_matcher.h"

#include <climits>

#include "core/digest.h"
#include "core/log.h"
#include "core/metrics.h"
#include "rules/lua/lua_file_instance.h"
#include "rules/lua/rule_state_store.h"

namespace tripline {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

int64_t epoch_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool satisfies(const LogSource& rule, const LogSource& event) {
  return (rule.product.empty() || rule.product == event.product) &&
         (rule.service.empty() || rule.service == event.service) &&
         (rule.category.empty() || rule.category == event.category);
}

std::atomic<uint64_t> next_instance_id{1};

// The plan of the logsource a thread saw last: consecutive events of one input share it, so
// most evaluations skip building the key, the lock and the hash lookup.
struct PlanCache {
  uint64_t matcher = 0;
  LogSource logsource;
  const void* plan = nullptr;
};
thread_local PlanCache tls_plan;

std::string plan_key(const LogSource& ls) {
  std::string key = ls.product;
  key += '\x1f';
  key += ls.service;
  key += '\x1f';
  key += ls.category;
  return key;
}

}  // namespace

struct LuaMatcher::File {
  struct Slot {
    std::mutex mutex;
    std::unique_ptr<lua::LuaFileInstance> inst;
  };
  const LuaRuleFile* file = nullptr;
  std::string source_digest;
  std::vector<Rule*> rules;
  std::vector<std::unique_ptr<Slot>> slots;
  std::atomic<uint32_t> next{0};
};

struct LuaMatcher::Rule {
  const LuaRuleInfo* info = nullptr;
  File* file = nullptr;
  size_t index = 0;  // in its file
  std::shared_ptr<lua::RuleStateStore> state;
  // 0: enabled; INT64_MAX: quarantined until reload; else the steady-clock ns it ends at.
  std::atomic<int64_t> disabled_until{0};
  mutable std::mutex mutex;
  std::deque<SteadyClock::time_point> recent_errors;
  uint64_t errors = 0;
  std::string last_error;
  prometheus::Counter* error_counter = nullptr;
  std::array<std::atomic<prometheus::Counter*>, 5> match_counters{};
};

LuaMatcher::LuaMatcher(std::shared_ptr<const LuaProgram> program)
    : program_(std::move(program)),
      last_flush_(SteadyClock::now()),
      instance_id_(next_instance_id.fetch_add(1, std::memory_order_relaxed)) {}

LuaMatcher::~LuaMatcher() = default;

std::shared_ptr<LuaMatcher> LuaMatcher::create(
    std::shared_ptr<const LuaProgram> program, std::vector<size_t> files,
    std::vector<std::unique_ptr<lua::LuaFileInstance>> first, Diagnostics& diags) {
  if (files.empty()) {
    for (size_t i = 0; i < program->files.size(); ++i) files.push_back(i);
  }
  std::shared_ptr<LuaMatcher> m(new LuaMatcher(program));
  const LuaLimits& limits = program->limits;
  const lua::StateLimits state_limits{limits.state_max_keys, limits.state_default_ttl.count(),
                                      limits.state_max_ttl.count()};
  for (size_t n = 0; n < files.size(); ++n) {
    const LuaRuleFile& rf = program->files.at(files[n]);
    auto file = std::make_unique<File>();
    file->file = &rf;
    file->source_digest = sha256_hex(rf.source, 16);
    for (size_t i = 0; i < rf.rules.size(); ++i) {
      auto rule = std::make_unique<Rule>();
      rule->info = &rf.rules[i];
      rule->file = file.get();
      rule->index = i;
      rule->error_counter = &Metrics::global().rule_errors(rf.rules[i].id);
      if (rf.rules[i].stateful) {
        rule->state = lua::acquire_state_store(program->state_dir, rf.rules[i].id, state_limits);
      }
      file->rules.push_back(rule.get());
      m->by_id_[rf.rules[i].id] = rule.get();
      m->rules_.push_back(std::move(rule));
    }
    const uint32_t instances = limits.instances == 0 ? 1 : limits.instances;
    for (uint32_t s = 0; s < instances; ++s) {
      auto slot = std::make_unique<File::Slot>();
      if (s == 0 && n < first.size() && first[n]) {
        slot->inst = std::move(first[n]);
      } else {
        slot->inst = lua::LuaFileInstance::build(rf.path, rf.source, limits, diags);
        if (!slot->inst) return nullptr;
      }
      // Every instance must declare the same rules in the same order: a top level that
      // depends on chance (math.random, os.time) would route events to different rules.
      const auto& decls = slot->inst->decls();
      bool same = decls.size() == rf.rules.size();
      for (size_t i = 0; same && i < decls.size(); ++i) same = decls[i].info.id == rf.rules[i].id;
      if (!same) {
        diags.error("lua.nondeterministic", rf.path, 0, 0,
                    "the file declares different rules each time it runs");
        return nullptr;
      }
      for (Rule* r : file->rules) slot->inst->bind_store(r->index, r->state.get());
      file->slots.push_back(std::move(slot));
    }
    m->files_.push_back(std::move(file));
  }
  return m;
}

std::vector<const LuaRuleInfo*> LuaMatcher::rules() const {
  std::vector<const LuaRuleInfo*> out;
  for (const auto& r : rules_) out.push_back(r->info);
  return out;
}

std::optional<LuaMatcher::RuleStatus> LuaMatcher::status(const std::string& rule_id) const {
  auto it = by_id_.find(rule_id);
  if (it == by_id_.end()) return std::nullopt;
  const Rule& r = *it->second;
  RuleStatus s;
  s.quarantined = r.disabled_until.load(std::memory_order_relaxed) != 0;
  std::lock_guard lock(r.mutex);
  s.errors = r.errors;
  s.last_error = r.last_error;
  return s;
}

const LuaMatcher::Plan& LuaMatcher::plan_for(const LogSource& ls) {
  PlanCache& cache = tls_plan;
  if (cache.matcher == instance_id_ && cache.logsource == ls) {
    return *static_cast<const Plan*>(cache.plan);
  }
  const Plan& plan = lookup_plan(ls);
  cache.matcher = instance_id_;
  cache.logsource = ls;
  cache.plan = &plan;
  return plan;
}

const LuaMatcher::Plan& LuaMatcher::lookup_plan(const LogSource& ls) {
  const std::string key = plan_key(ls);
  {
    std::shared_lock lock(plans_mutex_);
    if (auto it = plans_.find(key); it != plans_.end()) return *it->second;
  }
  auto plan = std::make_unique<Plan>();
  const auto& routes = program_->hooks.routes;
  for (const auto& file : files_) {
    Route route{file.get(), {}};
    for (Rule* r : file->rules) {
      if (routes ? routes(r->info->logsource, ls) : satisfies(r->info->logsource, ls)) {
        route.rules.push_back(r);
      }
    }
    if (!route.rules.empty()) plan->routes.push_back(std::move(route));
  }
  std::unique_lock lock(plans_mutex_);
  auto [it, fresh] = plans_.try_emplace(key, std::move(plan));
  return *it->second;
}

bool LuaMatcher::enabled(Rule& rule) {
  const int64_t until = rule.disabled_until.load(std::memory_order_relaxed);
  if (until == 0) return true;
  if (until == INT64_MAX || steady_now_ns() < until) return false;
  int64_t expected = until;
  if (rule.disabled_until.compare_exchange_strong(expected, 0)) {
    std::lock_guard lock(rule.mutex);
    rule.recent_errors.clear();
    log::info("lua rule back from quarantine", {{"rule_id", rule.info->id}});
  }
  return true;
}

void LuaMatcher::evaluate(const Event& event, std::vector<Alert>& alerts) {
  const Plan& plan = plan_for(event.logsource());
  for (const Route& route : plan.routes) run_route(route, event, alerts);
}

void LuaMatcher::run_route(const Route& route, const Event& event, std::vector<Alert>& alerts) {
  bool any = false;
  for (Rule* r : route.rules) any = enabled(*r) || any;
  if (!any) return;
  File& file = *route.file;
  const size_t n = file.slots.size();
  const size_t start = file.next.fetch_add(1, std::memory_order_relaxed) % n;
  size_t used = start;
  std::unique_lock<std::mutex> lock;
  for (size_t i = 0; i < n; ++i) {
    const size_t s = (start + i) % n;
    if (file.slots[s]->mutex.try_lock()) {
      lock = std::unique_lock<std::mutex>(file.slots[s]->mutex, std::adopt_lock);
      used = s;
      break;
    }
  }
  if (!lock.owns_lock()) lock = std::unique_lock<std::mutex>(file.slots[start]->mutex);
  File::Slot& slot = *file.slots[used];

  int64_t now_ms = epoch_ms(event.event_time());
  if (now_ms == 0) now_ms = epoch_ms(Clock::now());
  for (Rule* r : route.rules) {
    if (!enabled(*r)) continue;
    bool matched = false;
    lua::CallOutcome out = slot.inst->evaluate(r->index, event, now_ms, matched);
    if (out.ok) {
      on_success(*r, event, matched, *slot.inst, alerts);
      continue;
    }
    const bool limit = out.violation != lua::Violation::kNone;
    on_error(*r, out.error, out.line, limit, lua::violation_name(out.violation), event, alerts);
    // A rule that ran into a limit may have left the heap full or fragmented; the file's other
    // rules go on in a state built afresh.
    if (limit) rebuild(file, used);
  }
}

void LuaMatcher::rebuild(File& file, size_t slot) {
  Diagnostics diags;
  auto fresh =
      lua::LuaFileInstance::build(file.file->path, file.file->source, program_->limits, diags);
  bool same = fresh && fresh->decls().size() == file.rules.size();
  for (size_t i = 0; same && i < file.rules.size(); ++i) {
    same = fresh->decls()[i].info.id == file.rules[i]->info->id;
  }
  if (!same) {
    log::error("lua rule file state not rebuilt; keeping the old one",
               {{"file", file.file->path},
                {"error", diags.items.empty() ? "rules changed" : diags.items[0].message}});
    return;
  }
  for (Rule* r : file.rules) fresh->bind_store(r->index, r->state.get());
  file.slots[slot]->inst = std::move(fresh);
}

Alert LuaMatcher::make_alert(const Rule& rule, const Event& event, const lua::AlertSpec* spec,
                             size_t index) const {
  const LuaRuleInfo& info = *rule.info;
  Alert a = alert_from_event(event, info.id);
  a.title = spec && !spec->title.empty() ? spec->title : info.title;
  const Sev requested = spec && spec->sev ? *spec->sev : info.sev;
  a.sev = program_->hooks.grade ? program_->hooks.grade(info, requested, event) : requested;
  a.level = level_for_sev(a.sev);
  a.tags = info.tags;
  a.runbook = info.runbook;
  if (!spec) return a;
  a.group = spec->group;
  a.fields = spec->fields;
  a.count = spec->count;
  if (!spec->events.empty()) a.events = spec->events;
  if (!spec->key.empty()) {
    // The rule names the alert: repeats of it dedup downstream whatever event raised them.
    a.alert_id = sha256_hex(info.id + "\nkey\n" + spec->key, 32);
  } else if (!spec->group.empty() || index > 0) {
    std::string identity = info.id + "\n" + event_identity(event) + "\n" + std::to_string(index);
    for (const auto& [k, v] : spec->group) identity += "\n" + k + "=" + v;
    a.alert_id = sha256_hex(identity, 32);
  }
  return a;
}

void LuaMatcher::emit(Rule& rule, const Event& event, Alert alert, std::vector<Alert>& alerts) {
  auto& slot = rule.match_counters[static_cast<size_t>(alert.sev)];
  prometheus::Counter* counter = slot.load(std::memory_order_acquire);
  if (!counter) {
    counter = &Metrics::global().rule_matches(rule.info->id, sev_name(alert.sev));
    slot.store(counter, std::memory_order_release);
  }
  counter->Increment();
  if (program_->hooks.on_match) program_->hooks.on_match(*rule.info, event, alert);
  alerts.push_back(std::move(alert));
}

void LuaMatcher::on_success(Rule& rule, const Event& event, bool matched,
                            lua::LuaFileInstance& inst, std::vector<Alert>& alerts) {
  size_t index = 0;
  if (matched) emit(rule, event, make_alert(rule, event, nullptr, index++), alerts);
  for (const lua::AlertSpec& spec : inst.alerts()) {
    emit(rule, event, make_alert(rule, event, &spec, index++), alerts);
  }
}

bool LuaMatcher::on_error(Rule& rule, const std::string& error, int line, bool limit_exceeded,
                          const char* limit, const Event& event, std::vector<Alert>& alerts) {
  rule.error_counter->Increment();
  const LuaLimits& limits = program_->limits;
  const std::string where =
      rule.info->file + ":" + std::to_string(line > 0 ? line : rule.info->mark.line);
  std::string reason;
  uint64_t errors = 0;
  {
    std::lock_guard lock(rule.mutex);
    errors = ++rule.errors;
    rule.last_error = where + ": " + error;
    const auto now = SteadyClock::now();
    rule.recent_errors.push_back(now);
    while (!rule.recent_errors.empty() && now - rule.recent_errors.front() > limits.error_window) {
      rule.recent_errors.pop_front();
    }
    if (limit_exceeded) {
      reason = std::string("exceeded its ") + limit;
    } else if (rule.recent_errors.size() >= limits.max_errors) {
      reason = std::to_string(rule.recent_errors.size()) + " errors within " +
               std::to_string(limits.error_window.count() / 1000) + "s";
    }
  }
  log::warn("lua rule error", {{"rule_id", rule.info->id}, {"where", where}, {"error", error}});
  if (reason.empty()) return false;
  const int64_t until =
      limits.quarantine_for.count() == 0
          ? INT64_MAX
          : steady_now_ns() +
                std::chrono::duration_cast<std::chrono::nanoseconds>(limits.quarantine_for).count();
  int64_t expected = 0;
  if (!rule.disabled_until.compare_exchange_strong(expected, until)) return false;
  log::warn("lua rule quarantined", {{"rule_id", rule.info->id},
                                     {"reason", reason},
                                     {"errors", std::to_string(errors)},
                                     {"last_error", error}});
  alerts.push_back(quarantine_alert(rule, reason, event));
  return true;
}

Alert LuaMatcher::quarantine_alert(const Rule& rule, const std::string& reason,
                                   const Event& event) const {
  Alert a;
  const LuaRuleInfo& info = *rule.info;
  // One alert per rule version: a replay of the same input dedups downstream.
  a.alert_id = sha256_hex(
      std::string(kQuarantineRuleId) + "\n" + info.id + "\n" + rule.file->source_digest, 32);
  a.rule_id = kQuarantineRuleId;
  a.title = "Lua rule " + info.id + " quarantined: " + reason;
  a.sev = Sev::kSev3;
  a.level = level_for_sev(a.sev);
  a.time = Clock::now();
  a.host = std::string(event.host());
  a.source = "tripline";
  a.logsource = {"tripline", "rules", ""};
  a.group = {{"rule_id", info.id}};
  a.tags = {"tripline.self", "tripline.rule-quarantined"};
  std::string last_error;
  uint64_t errors = 0;
  {
    std::lock_guard lock(rule.mutex);
    last_error = rule.last_error;
    errors = rule.errors;
  }
  a.fields = {{"errors", std::to_string(errors)},
              {"file", info.file + ":" + std::to_string(info.mark.line)},
              {"last_error", last_error},
              {"reason", reason},
              {"rule_id", info.id}};
  a.events.push_back(render_event_json(event));
  return a;
}

void LuaMatcher::save_state() {
  for (const auto& r : rules_) {
    if (!r->state) continue;
    std::string error;
    if (!r->state->save(error)) {
      log::warn("lua rule state not saved", {{"rule_id", r->info->id}, {"error", error}});
    }
  }
}

void LuaMatcher::advance(TimePoint now, std::vector<Alert>&) {
  const int64_t now_ms = epoch_ms(now);
  for (const auto& r : rules_) {
    if (r->state) r->state->sweep(now_ms);
  }
  bool flush = false;
  {
    std::lock_guard lock(flush_mutex_);
    const auto steady = SteadyClock::now();
    if (steady - last_flush_ >= program_->limits.state_flush_interval) {
      last_flush_ = steady;
      flush = true;
    }
  }
  if (flush) save_state();
}

void LuaMatcher::finish(std::vector<Alert>&) { save_state(); }

}  // namespace tripline
