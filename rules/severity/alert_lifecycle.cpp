#include "rules/severity/alert_lifecycle.h"

#include <algorithm>
#include <functional>

#include "core/digest.h"
#include "core/time_util.h"
#include "rules/severity/lifecycle_metrics.h"

namespace tripline {
namespace {

thread_local std::vector<Alert> tls_produced;

size_t shard_of(const std::string& key, size_t shards) {
  return std::hash<std::string>{}(key) % shards;
}

Sev raise_sev(Sev s, int steps, Sev ceiling) {
  const int v = std::max(static_cast<int>(s) - steps, static_cast<int>(ceiling));
  return static_cast<Sev>(std::min(v, static_cast<int>(s)));
}

std::string_view field_of_alert(const Alert& a, const std::string& dotted) {
  for (const auto& [k, v] : a.group) {
    if (k == dotted) return v;
  }
  for (const auto& [k, v] : a.fields) {
    if (k == dotted) return v;
  }
  return {};
}

}  // namespace

std::string group_key(const Alert& alert) {
  std::string key = alert.rule_id;
  for (const auto& [k, v] : alert.group) {
    key += '\x1f';
    key += k;
    key += '\x1e';
    key += v;
  }
  return key;
}

AlertLifecycle::AlertLifecycle(std::shared_ptr<const SeverityPolicy> policy,
                               std::unordered_map<std::string, LifecycleRule> rules,
                               std::shared_ptr<LifecycleState> state)
    : policy_(std::move(policy)),
      config_(policy_->lifecycle()),
      state_(state ? std::move(state) : std::make_shared<LifecycleState>()),
      shards_(state_->shards),
      dedup_max_per_shard_(std::max<size_t>(1, config_.dedup_max_keys / kShards)),
      groups_max_per_shard_(std::max<size_t>(1, config_.max_groups / kShards)) {
  for (auto& [id, rule] : rules) {
    RuleRuntime rt = resolve(id, rule.name, rule.tags);
    if (rule.throttle) rt.throttle = rule.throttle;
    known_.emplace(id, std::move(rt));
  }
}

LifecycleState::~LifecycleState() {
  // The key gauge is process-wide; a reload that changes nothing keeps this instance.
  size_t ids = 0, groups = 0;
  for (Shard& s : shards) {
    ids += s.ids.size();
    groups += s.groups.size();
  }
  LifecycleMetrics& m = LifecycleMetrics::global();
  m.dedup_keys().Decrement(static_cast<double>(ids));
  m.group_keys().Decrement(static_cast<double>(groups));
}

AlertLifecycle::RuleRuntime AlertLifecycle::resolve(const std::string& id, const std::string& name,
                                                    const std::vector<std::string>& tags) const {
  RuleRuntime rt;
  rt.name = name;
  rt.tags = tags;
  if (const ThrottleSpec* t = config_.throttle_for(id, name, tags)) rt.throttle = *t;
  rt.escalation = config_.escalation_for(id, name, tags);
  rt.approvable = policy_->changes().selects(id, name, tags);
  return rt;
}

const AlertLifecycle::RuleRuntime& AlertLifecycle::runtime_for(const Alert& alert) {
  if (auto it = known_.find(alert.rule_id); it != known_.end()) return it->second;
  {
    std::shared_lock lock(unknown_mutex_);
    if (auto it = unknown_.find(alert.rule_id); it != unknown_.end()) return *it->second;
  }
  // A rule the loader did not describe (a future engine): judged by what its alerts carry.
  auto rt = std::make_unique<RuleRuntime>(resolve(alert.rule_id, "", alert.tags));
  std::unique_lock lock(unknown_mutex_);
  auto [it, fresh] = unknown_.try_emplace(alert.rule_id, std::move(rt));
  return *it->second;
}

bool AlertLifecycle::duplicate(const Alert& alert) {
  if (config_.dedup_window.count() <= 0 || alert.alert_id.empty()) return false;
  Shard& s = shards_[shard_of(alert.alert_id, kShards)];
  LifecycleMetrics& m = LifecycleMetrics::global();
  std::lock_guard lock(s.mutex);
  s.id_watermark = std::max(s.id_watermark, alert.time);
  auto [it, fresh] = s.ids.try_emplace(alert.alert_id);
  if (!fresh) {
    const TimePoint last = it->second.time;
    const auto age = alert.time > last ? alert.time - last : last - alert.time;
    if (age < config_.dedup_window) return true;
  } else {
    m.dedup_keys().Increment();
  }
  it->second = {alert.time, ++s.next_seq};
  s.id_order.push_back({alert.time, s.next_seq, &*it});
  // Expired ids leave first; past the bound the oldest go, counted as evictions.
  while (!s.id_order.empty()) {
    const Shard::IdOrder& o = s.id_order.front();
    const bool expired = o.time + config_.dedup_window <= s.id_watermark;
    const bool over = s.ids.size() > dedup_max_per_shard_;
    if (!expired && !over) break;
    if (o.id->second.seq == o.seq) {
      s.ids.erase(s.ids.find(o.id->first));
      m.dedup_keys().Decrement();
      if (!expired) m.evictions("dedup").Increment();
    }
    s.id_order.pop_front();
  }
  return false;
}

void AlertLifecycle::approve(Alert& alert, const RuleRuntime& rule, const Event* event) {
  if (!rule.approvable || !alert.change_id.empty()) return;
  const ChangeApprovals::FieldLookup lookup = [&](const FieldPath& path) -> std::string_view {
    if (event) {
      const FieldValue* v = event->find(path);
      return v && v->present() && !v->is_null() ? std::string_view(v->text) : std::string_view();
    }
    return field_of_alert(alert, path.dotted);
  };
  const ApprovedChange* change =
      policy_->changes().find(alert.rule_id, rule.name, rule.tags, alert.time, lookup);
  if (!change) return;
  alert.sev = Sev::kSev4;
  alert.change_id = change->id;
  LifecycleMetrics::global().change_approved(alert.rule_id, change->id).Increment();
}

Alert AlertLifecycle::summary(const GroupState& g) const {
  Alert a = *g.sample;
  a.alert_id = sha256_hex(group_key(a) + "\nthrottle\n" + format_rfc3339(g.start), 32);
  a.title += " (" + std::to_string(g.suppressed) + " more held back by throttle)";
  a.count = g.suppressed_events;
  a.ends_at = g.end;
  a.fields.emplace_back("throttle.suppressed_alerts", std::to_string(g.suppressed));
  a.fields.emplace_back("throttle.window_start", format_rfc3339(g.start));
  a.fields.emplace_back("throttle.window_end", format_rfc3339(g.end));
  return a;
}

void AlertLifecycle::close_window(Shard& shard, const std::string& key, GroupState& g,
                                  std::vector<Alert>& out) {
  if (g.open && g.suppressed > 0 && g.sample) {
    out.push_back(summary(g));
    LifecycleMetrics::global().throttle_summaries(g.rule_id).Increment();
    auto [lo, hi] = shard.due.equal_range(g.end);
    for (auto it = lo; it != hi; ++it) {
      if (it->second == key) {
        shard.due.erase(it);
        break;
      }
    }
  }
  g.open = false;
  g.passed = g.suppressed = g.suppressed_events = 0;
  g.sample.reset();
}

void AlertLifecycle::evict_groups(Shard& shard, std::vector<Alert>& out) {
  LifecycleMetrics& m = LifecycleMetrics::global();
  while (shard.groups.size() > groups_max_per_shard_) {
    const std::string key = shard.group_lru.back();
    auto it = shard.groups.find(key);
    close_window(shard, key, it->second, out);  // what it held back is still reported
    shard.groups.erase(it);
    shard.group_lru.pop_back();
    m.group_keys().Decrement();
    m.evictions("groups").Increment();
  }
}

bool AlertLifecycle::admit_group(Alert& alert, const RuleRuntime& rule, std::vector<Alert>& out) {
  const LifecycleConfig::Escalation* esc = alert.change_id.empty() ? rule.escalation : nullptr;
  if (!esc && !rule.throttle) return true;
  const std::string key = group_key(alert);
  Shard& s = shards_[shard_of(key, kShards)];
  LifecycleMetrics& m = LifecycleMetrics::global();
  std::lock_guard lock(s.mutex);
  auto [it, fresh] = s.groups.try_emplace(key);
  GroupState& g = it->second;
  if (fresh) {
    g.rule_id = alert.rule_id;
    s.group_lru.push_front(key);
    g.lru = s.group_lru.begin();
    m.group_keys().Increment();
  } else {
    s.group_lru.splice(s.group_lru.begin(), s.group_lru, g.lru);
  }

  if (esc) {
    if (g.firings.size() != esc->count) {
      g.firings.assign(esc->count, TimePoint::min());
      g.next_firing = 0;
    }
    g.firings[g.next_firing] = alert.time;
    g.next_firing = (g.next_firing + 1) % g.firings.size();
    const TimePoint oldest = *std::min_element(g.firings.begin(), g.firings.end());
    if (oldest != TimePoint::min() && alert.time - oldest <= esc->within) {
      const Sev raised = raise_sev(alert.sev, esc->raise, esc->ceiling);
      if (raised != alert.sev) {
        alert.fields.emplace_back("escalated_from", sev_name(alert.sev));
        alert.sev = raised;
        m.escalated(alert.rule_id).Increment();
      }
    }
  }

  bool admit = true;
  if (rule.throttle) {
    g.throttle = *rule.throttle;
    if (g.open && alert.time >= g.end) close_window(s, key, g, out);
    if (!g.open) {
      g.open = true;
      g.start = alert.time;
      g.end = alert.time + g.throttle.window;
      g.most_urgent_passed = Sev::kSev4;
    }
    const bool more_urgent = g.passed > 0 && alert.sev < g.most_urgent_passed;
    if (g.passed < g.throttle.max_alerts || more_urgent) {
      ++g.passed;
      g.most_urgent_passed = std::min(g.most_urgent_passed, alert.sev);
    } else {
      admit = false;
      if (g.suppressed++ == 0) s.due.emplace(g.end, key);
      g.suppressed_events += alert.count;
      if (!g.sample) {
        g.sample = alert;
      } else if (alert.sev < g.sample->sev) {
        g.sample->sev = alert.sev;  // the summary is as urgent as the worst it stands for
      }
      m.suppressed(alert.rule_id, "throttle").Increment();
    }
  }
  evict_groups(s, out);
  return admit;
}

void AlertLifecycle::process(std::vector<Alert>& alerts, size_t from, const Event* event) {
  if (from >= alerts.size()) return;
  std::vector<Alert>& produced = tls_produced;
  produced.clear();
  std::move(alerts.begin() + static_cast<std::ptrdiff_t>(from), alerts.end(),
            std::back_inserter(produced));
  alerts.resize(from);
  for (Alert& a : produced) {
    if (duplicate(a)) {
      LifecycleMetrics::global().suppressed(a.rule_id, "duplicate").Increment();
      continue;
    }
    const RuleRuntime& rule = runtime_for(a);
    approve(a, rule, event);
    std::vector<Alert> summaries;
    const bool admit = admit_group(a, rule, summaries);
    // A summary closes an earlier window: it goes out before what opened the next one.
    for (Alert& s : summaries) alerts.push_back(std::move(s));
    if (admit) alerts.push_back(std::move(a));
  }
  produced.clear();
}

void AlertLifecycle::close_due(Shard& s, TimePoint until, std::vector<Alert>& out) {
  while (!s.due.empty() && s.due.begin()->first <= until) {
    const auto [end, key] = *s.due.begin();
    s.due.erase(s.due.begin());
    auto it = s.groups.find(key);
    if (it != s.groups.end() && it->second.open && it->second.end == end) {
      close_window(s, key, it->second, out);
    }
  }
}

void AlertLifecycle::advance(TimePoint now, std::vector<Alert>& out) {
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    close_due(s, now, out);
  }
}

void AlertLifecycle::finish(std::vector<Alert>& out) {
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    close_due(s, TimePoint::max(), out);
  }
}

}  // namespace tripline
