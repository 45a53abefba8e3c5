#include "rules/sigma/sigma_matcher.h"

#include <atomic>

#include "core/metrics.h"

namespace tripline::sigma {
namespace {

std::atomic<uint64_t> next_instance{1};

// Per thread, the plan of the logsource seen last: consecutive events of one input share it, so
// the common case takes no lock.
struct PlanCache {
  uint64_t matcher = 0;
  LogSource logsource;
  const RoutePlan* plan = nullptr;
};
thread_local PlanCache tls_plan;
thread_local std::vector<uint32_t> tls_candidates;

std::string plan_key(const LogSource& ls) {
  return ls.product + '\x1f' + ls.service + '\x1f' + ls.category;
}

}  // namespace

SigmaMatcher::SigmaMatcher(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)), instance_id_(next_instance++) {}

void SigmaMatcher::add_observer(std::shared_ptr<MatchObserver> observer) {
  observers_.push_back(std::move(observer));
}

const RoutePlan& SigmaMatcher::plan_for(const LogSource& ls) {
  PlanCache& cache = tls_plan;
  if (cache.matcher == instance_id_ && cache.plan && cache.logsource == ls) return *cache.plan;
  const std::string key = plan_key(ls);
  const RoutePlan* plan;
  {
    std::lock_guard lock(plans_mutex_);
    auto it = plans_.find(key);
    if (it == plans_.end()) {
      it = plans_.emplace(key, std::make_unique<RoutePlan>(RoutePlan::build(*rules_, ls))).first;
    }
    plan = it->second.get();
  }
  cache.matcher = instance_id_;
  cache.logsource = ls;
  cache.plan = plan;
  return *plan;
}

std::vector<uint32_t> SigmaMatcher::candidates(const Event& event) {
  std::vector<uint32_t> out;
  plan_for(event.logsource()).candidates(event, out);
  return out;
}

bool SigmaMatcher::matches(const CompiledRule& rule, const Event& event) {
  EvalContext ctx(event);
  return rule.condition->eval(ctx);
}

Alert SigmaMatcher::make_alert(const CompiledRule& rule, const Event& event) const {
  Alert a = alert_from_event(event, rule.id);
  a.title = rule.title;
  a.level = rule.level;
  a.sev = rules_->policy->grade(rule.severity, &event);
  a.tags = rule.tags;
  a.runbook = rule.runbook;
  for (const auto& [name, ref] : rule.output_fields) {
    if (const FieldValue* v = resolve(event, ref); v && !v->is_null()) {
      a.fields.emplace_back(name, v->text);
    }
  }
  return a;
}

void SigmaMatcher::on_match(const CompiledRule& rule, const Event& event,
                            std::vector<Alert>& alerts) {
  Metrics& metrics = Metrics::global();
  if (rule.emit_alerts) {
    Alert a = make_alert(rule, event);
    const auto sev = static_cast<size_t>(a.sev);
    prometheus::Counter* c = rule.match_counters[sev].load(std::memory_order_acquire);
    if (!c) {
      c = &metrics.rule_matches(rule.id, sev_name(a.sev));
      rule.match_counters[sev].store(c, std::memory_order_release);
    }
    c->Increment();
    alerts.push_back(std::move(a));
  } else {
    const Sev s = rule.severity.base();
    prometheus::Counter* c = rule.match_counters[static_cast<size_t>(s)].load();
    if (!c) {
      c = &metrics.rule_matches(rule.id, sev_name(s));
      rule.match_counters[static_cast<size_t>(s)].store(c);
    }
    c->Increment();
  }
  for (const auto& o : observers_) o->on_match(rule, event, alerts);
}

void SigmaMatcher::count_error(const CompiledRule& rule) {
  prometheus::Counter* c = rule.error_counter.load(std::memory_order_acquire);
  if (!c) {
    c = &Metrics::global().rule_errors(rule.id);
    rule.error_counter.store(c, std::memory_order_release);
  }
  c->Increment();
}

void SigmaMatcher::evaluate(const Event& event, std::vector<Alert>& alerts) {
  try {
    const RoutePlan& plan = plan_for(event.logsource());
    std::vector<uint32_t>& candidates = tls_candidates;
    plan.candidates(event, candidates);
    if (candidates.empty()) return;
    EvalContext ctx(event);
    for (uint32_t idx : candidates) {
      const CompiledRule& rule = *rules_->rules[idx];
      const bool json_error_before = event.json_error();
      bool matched = false;
      try {
        matched = rule.condition->eval(ctx);
      } catch (...) {
        // Allocation failure and the like: this rule loses this event, the others go on.
        count_error(rule);
        continue;
      }
      // The body turned out unreadable while this rule read it: its verdict is unreliable.
      if (!json_error_before && event.json_error()) count_error(rule);
      if (matched) on_match(rule, event, alerts);
    }
  } catch (...) {
    // Only allocation failures get here (plan building); the event is skipped, not the agent.
  }
}

void SigmaMatcher::advance(TimePoint now, std::vector<Alert>& alerts) {
  for (const auto& o : observers_) o->advance(now, alerts);
}

void SigmaMatcher::finish(std::vector<Alert>& alerts) {
  for (const auto& o : observers_) o->finish(alerts);
}

}  // namespace tripline::sigma
