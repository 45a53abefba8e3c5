#include "rules/correlation/correlation_engine.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "core/digest.h"
#include "core/metrics.h"
#include "core/time_util.h"

namespace tripline::correlation {
namespace {

int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_ms(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

const char* type_name(Type t) {
  switch (t) {
    case Type::kEventCount: return "event_count";
    case Type::kValueCount: return "value_count";
    case Type::kValueSum: return "value_sum";
    case Type::kValueAvg: return "value_avg";
    case Type::kValuePercentile: return "value_percentile";
    case Type::kTemporal: return "temporal";
    case Type::kTemporalOrdered: return "temporal_ordered";
  }
  return "";
}

std::string number_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// The condition field(s) of one event: false when one is missing or null (the event then does
// not take part in a value_* correlation: it has no value to count, sum or rank).
bool read_value(const Slot& slot, const Event& event, bool numeric, Entry& entry) {
  for (size_t i = 0; i < slot.value_fields.size(); ++i) {
    const FieldValue* v = sigma::resolve(event, slot.value_fields[i]);
    if (!v || v->is_null()) return false;
    if (i) entry.value.push_back('\x1f');
    entry.value += v->text;
  }
  if (!numeric) return true;
  const char* begin = entry.value.data();
  const char* end = begin + entry.value.size();
  auto [ptr, ec] = std::from_chars(begin, end, entry.number);
  return ec == std::errc() && ptr == end && std::isfinite(entry.number);
}

// rsyslog's "message repeated N times: [...]" is one line standing for N events (the syslog
// parser sets syslog.repeat_count): it weighs N in counts, as N lines would.
uint32_t repeat_weight(const Event& event) {
  static const FieldPath kRepeat("syslog.repeat_count");
  const FieldValue* v = event.find(kRepeat);
  if (!v || v->text.empty()) return 1;
  uint32_t n = 0;
  auto [ptr, ec] = std::from_chars(v->text.data(), v->text.data() + v->text.size(), n);
  if (ec != std::errc() || ptr != v->text.data() + v->text.size() || n == 0) return 1;
  return std::min<uint32_t>(n, 1'000'000);
}

// One group-by value of a group key: length-prefixed so any bytes in a value stay unambiguous;
// '-' marks a missing field.
void append_group_value(std::string& key, const std::string* value) {
  if (!value) {
    key += '-';
    return;
  }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value->size());
  key.append(digits, end);
  key += ':';
  key += *value;
}

bool same_fields(const std::vector<sigma::FieldRef>& a, const std::vector<sigma::FieldRef>& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].paths.size() != b[i].paths.size()) return false;
    for (size_t k = 0; k < a[i].paths.size(); ++k) {
      if (a[i].paths[k].dotted != b[i].paths[k].dotted) return false;
    }
  }
  return true;
}

}  // namespace

std::string encode_group_key(const GroupValues& values) {
  std::string key;
  for (const auto& v : values) append_group_value(key, v ? &*v : nullptr);
  return key;
}

bool decode_group_key(std::string_view key, GroupValues& out) {
  out.clear();
  size_t i = 0;
  while (i < key.size()) {
    if (key[i] == '-') {
      out.emplace_back(std::nullopt);
      ++i;
      continue;
    }
    size_t len = 0;
    auto [ptr, ec] = std::from_chars(key.data() + i, key.data() + key.size(), len);
    if (ec != std::errc() || ptr == key.data() + key.size() || *ptr != ':') return false;
    const size_t start = static_cast<size_t>(ptr - key.data()) + 1;
    if (start + len > key.size()) return false;
    out.emplace_back(std::string(key.substr(start, len)));
    i = start + len;
  }
  return true;
}

CorrelationEngine::CorrelationEngine(std::shared_ptr<const CorrelationSet> set,
                                     std::shared_ptr<const SeverityPolicy> policy,
                                     EngineOptions options)
    : set_(std::move(set)), policy_(std::move(policy)), options_(std::move(options)) {
  lateness_ms_ = options_.options.lateness.count();
  int64_t shortest = 60'000;
  for (const auto& c : set_->correlations) {
    if (options_.fresh_state || !c->store) {
      stores_.push_back(std::make_shared<GroupStore>(c->id, c->store ? c->store->limits()
                                                                     : state::StateLimits{}));
    } else {
      stores_.push_back(c->store);
    }
    shortest = std::min(shortest, c->timespan_ms);
    has_close_windows_ |= !c->eager;
  }
  // Expired groups are dropped in sweeps; a fraction of the shortest window keeps memory close
  // to what live windows need without walking every group on every advance().
  sweep_every_ms_ = std::clamp<int64_t>(shortest / 4, 1'000, 60'000);
}

void CorrelationEngine::raise_to(std::atomic<int64_t>& clock, int64_t t_ms) {
  int64_t seen = clock.load(std::memory_order_relaxed);
  while (t_ms > seen && !clock.compare_exchange_weak(seen, t_ms, std::memory_order_relaxed)) {
  }
}

void CorrelationEngine::on_match(const sigma::CompiledRule& rule, const Event& event,
                                 std::vector<Alert>& alerts) {
  if (rule.index >= set_->by_rule.size()) return;
  const auto& targets = set_->by_rule[rule.index];
  if (targets.empty()) return;
  try {
    const int64_t t = to_ms(event.event_time());
    raise_to(clock_ms_, t);
    matches_since_sweep_.fetch_add(1, std::memory_order_relaxed);
    const uint32_t weight = repeat_weight(event);
    // Correlations over the same rule usually group by the same fields: the key is built once,
    // in a buffer of the thread's (an address with its framing outgrows the inline string).
    thread_local std::string key;
    key.clear();
    const std::vector<sigma::FieldRef>* key_fields = nullptr;
    EventJson rendering;
    for (const auto& [ci, si] : targets) {
      const CompiledCorrelation& c = *set_->correlations[ci];
      const Slot& slot = c.slots[si];
      Entry entry;
      entry.start_ms = entry.end_ms = t;
      entry.slot = static_cast<uint32_t>(si);
      entry.count = weight;
      const bool needs_value = c.type == Type::kValueCount || c.type == Type::kValueSum ||
                               c.type == Type::kValueAvg || c.type == Type::kValuePercentile;
      if (needs_value &&
          !read_value(slot, event, c.type == Type::kValueSum || c.type == Type::kValueAvg,
                      entry)) {
        continue;
      }
      if (!key_fields || !same_fields(*key_fields, slot.group_fields)) {
        key.clear();
        for (const sigma::FieldRef& f : slot.group_fields) {
          const FieldValue* v = sigma::resolve(event, f);
          // A missing (or null) group-by field groups the event under null
          // (docs/rule-writing.md).
          append_group_value(key, v && !v->is_null() ? &v->text : nullptr);
        }
        key_fields = &slot.group_fields;
      }
      add(ci, key, std::move(entry), &event, &rendering, event.host(), event.source(), alerts);
    }
  } catch (...) {
    // Allocation failure: this event is lost to the correlations, the agent goes on.
  }
}

void CorrelationEngine::add(size_t ci, const std::string& key, Entry entry, const Event* event,
                            EventJson* rendering, std::string_view host,
                            std::string_view source, std::vector<Alert>& alerts) {
  const CompiledCorrelation& c = *set_->correlations[ci];
  const int64_t clock = clock_ms_.load(std::memory_order_relaxed);
  const bool late = clock != kNoTime && entry.end_ms < clock - lateness_ms_;
  if (late) c.late_events->Increment();
  const size_t cap = static_cast<size_t>(options_.options.alert_events);
  std::optional<Pending> fired;
  bool overflow = false;
  stores_[ci]->update(key, [&](GroupState& g, bool created) {
    if (created) {
      g.host.assign(host);
      g.source.assign(source);
    }
    if (c.eager) {
      if (entry.end_ms <= g.absorbed_until && entry.start_ms >= g.absorbed_until - c.timespan_ms) {
        return true;  // part of the burst an alert already covers
      }
      // What no future window can use goes before the group grows: sweeps stop at the first
      // live group, so a group's stale entries are dropped here when it is next touched.
      if (clock != kNoTime) prune(c, g, clock - lateness_ms_);
    } else if (entry.end_ms <= g.closed_until) {
      return !g.entries.empty() || g.window_start != kNoTime;  // its window was judged already
    }
    if (event && rendering && entry.events.empty() && g.events_held() < cap) {
      if (!*rendering) *rendering = EventRendering::capture(*event);
      entry.events.push_back(*rendering);
    }
    size_t dropped = 0;
    const size_t p = insert_entry(c, g, std::move(entry), &dropped);
    // Counting correlations keep only their threshold by design; a drop is an overflow only
    // where the configured bound, not the threshold, cut the window short.
    overflow = dropped && c.max_entries == options_.options.max_events_per_group;
    if (p == SIZE_MAX) return true;
    if (!c.eager) {
      if (g.window_start == kNoTime || g.entries[p].start_ms < g.window_start) {
        g.window_start = g.entries[p].start_ms;
      }
      return true;
    }
    std::optional<Fire> fire = find_window(c, g, p, cap);
    if (!fire) return true;
    // The alert covers its window: what lies in it is spent, later occurrences start afresh.
    g.absorbed_until = fire->window_end;
    std::erase_if(g.entries, [&](const Entry& e) { return e.end_ms <= fire->window_end; });
    fired = Pending{ci, key, std::move(*fire), g.host, g.source};
    return true;
  }, [&](GroupState& oldest) {
    // What an eager sweep would drop silently (judged-at-close windows wait for their sweep).
    return c.eager && clock != kNoTime && prune(c, oldest, clock - lateness_ms_);
  });
  if (overflow) c.overflow->Increment();
  if (fired) raise(std::move(*fired), event, alerts);
}

void CorrelationEngine::raise(Pending p, const Event* event, std::vector<Alert>& alerts) {
  const CompiledCorrelation& c = *set_->correlations[p.correlation];
  GroupValues values;
  decode_group_key(p.key, values);
  if (c.emit_alerts) {
    Alert a;
    a.alert_id = sha256_hex(c.id + '\x1f' + p.key + '\x1f' + std::to_string(p.fire.window_start),
                            32);
    a.rule_id = c.id;
    a.title = c.title;
    a.level = c.level;
    a.sev = policy_->grade(c.severity, event);
    a.time = from_ms(p.fire.time);
    a.ends_at = from_ms(p.fire.window_end);
    a.host = std::move(p.host);
    a.source = std::move(p.source);
    a.logsource = c.logsource;
    for (size_t i = 0; i < c.group_by.size() && i < values.size(); ++i) {
      a.group.emplace_back(c.group_by[i], values[i].value_or(""));
    }
    a.count = p.fire.count;
    a.tags = c.tags;
    a.events.reserve(p.fire.events.size());
    for (const EventJson& e : p.fire.events) a.events.push_back(e->json());
    a.runbook = c.runbook;
    if (event) {
      a.trace_id = extract_trace_id(*event);
      if (const InputInfo* in = event->input()) a.enrichment = in->static_fields;
    }
    a.fields.emplace_back("correlation.type", type_name(c.type));
    a.fields.emplace_back("correlation.value", number_text(p.fire.value));
    a.fields.emplace_back("correlation.window_start", format_rfc3339(from_ms(p.fire.window_start)));
    if (!p.fire.values.empty()) {
      std::string joined;
      for (const std::string& v : p.fire.values) joined += (joined.empty() ? "" : ",") + v;
      a.fields.emplace_back("correlation.values", joined);
    }
    const auto sev = static_cast<size_t>(a.sev);
    prometheus::Counter* counter = c.match_counters[sev].load(std::memory_order_acquire);
    if (!counter) {
      counter = &Metrics::global().rule_matches(c.id, sev_name(a.sev));
      c.match_counters[sev].store(counter, std::memory_order_release);
    }
    counter->Increment();
    alerts.push_back(a);
  }
  // Chaining: the alert is an occurrence for the correlations built on this one.
  for (const auto& [ui, si] : c.feeds) {
    const CompiledCorrelation& up = *set_->correlations[ui];
    const Slot& slot = up.slots[si];
    GroupValues up_values;
    for (size_t from : slot.group_from_source) {
      up_values.push_back(from < values.size() ? values[from] : std::nullopt);
    }
    Entry entry;
    entry.start_ms = p.fire.window_start;
    entry.end_ms = p.fire.time;
    entry.slot = static_cast<uint32_t>(si);
    entry.count = static_cast<uint32_t>(std::min<uint64_t>(p.fire.count, UINT32_MAX));
    entry.events.assign(p.fire.events.begin(), p.fire.events.end());
    add(ui, encode_group_key(up_values), std::move(entry), event, nullptr, p.host, p.source,
        alerts);
  }
}

void CorrelationEngine::advance(TimePoint now, std::vector<Alert>& alerts) {
  raise_to(wall_ms_, to_ms(now));
  const int64_t clock =
      std::max(clock_ms_.load(std::memory_order_relaxed), wall_ms_.load(std::memory_order_relaxed));
  int64_t swept = swept_at_ms_.load(std::memory_order_relaxed);
  if (swept != kNoTime && clock - swept < sweep_every_ms_) return;
  // A sweep walks every group. Windows judged at close need it on time; eager correlations only
  // to free expired groups (the LRU bound already caps them), so they are walked once the
  // matches since the last walk are a quarter of their groups: amortised O(1) per match.
  size_t eager_groups = 0;
  for (size_t i = 0; i < stores_.size(); ++i) {
    if (set_->correlations[i]->eager) eager_groups += stores_[i]->size();
  }
  const bool eager_due =
      matches_since_sweep_.load(std::memory_order_relaxed) >= eager_groups / 4;
  if (!eager_due && !has_close_windows_) return;
  // One thread sweeps; the others go on evaluating.
  if (!swept_at_ms_.compare_exchange_strong(swept, clock)) return;
  if (eager_due) matches_since_sweep_.store(0, std::memory_order_relaxed);
  try {
    sweep(false, eager_due, alerts);
  } catch (...) {
  }
  for (auto& s : stores_) s->publish_metrics();
}

void CorrelationEngine::finish(std::vector<Alert>& alerts) {
  try {
    sweep(!options_.keep_open_windows, true, alerts);
  } catch (...) {
  }
  for (auto& s : stores_) s->publish_metrics();
}

// Judges the windows that closed (all of them when `closing_all`), drops what expired.
void CorrelationEngine::sweep(bool closing_all, bool with_eager, std::vector<Alert>& alerts) {
  const int64_t clock = clock_ms_.load(std::memory_order_relaxed);
  const int64_t close_clock = std::max(clock, wall_ms_.load(std::memory_order_relaxed));
  if (close_clock == kNoTime && !closing_all) return;
  // Expiry follows event time only; judging at close also follows the advance() clock.
  const int64_t horizon = clock == kNoTime ? kNoTime : clock - lateness_ms_;
  const int64_t close_horizon = close_clock == kNoTime ? kNoTime : close_clock - lateness_ms_;
  const size_t cap = static_cast<size_t>(options_.options.alert_events);
  for (size_t ci = 0; ci < stores_.size(); ++ci) {
    const CompiledCorrelation& c = *set_->correlations[ci];
    if (c.eager && !with_eager) continue;
    std::vector<Pending> due;
    stores_[ci]->sweep([&](std::string_view key, GroupState& g) {
      if (!c.eager) {
        while (g.window_start != kNoTime &&
               (closing_all || g.window_start + c.timespan_ms < close_horizon)) {
          if (std::optional<Fire> fire = judge_window(c, g, cap)) {
            due.push_back(Pending{ci, std::string(key), std::move(*fire), g.host, g.source});
          }
          const int64_t end = g.window_start + c.timespan_ms;
          g.closed_until = end;
          std::erase_if(g.entries, [&](const Entry& e) { return e.start_ms <= end; });
          g.window_start = g.entries.empty() ? kNoTime : g.entries.front().start_ms;
        }
      }
      if (closing_all && g.entries.empty()) return state::SweepVisit::kRemove;
      if (horizon != kNoTime && prune(c, g, horizon)) return state::SweepVisit::kRemove;
      // Oldest first: past the first eager group still live, the rest of the shard was touched
      // later and is live too (it drops its own stale entries when next touched).
      return c.eager && !closing_all && horizon != kNoTime ? state::SweepVisit::kKeepAndStop
                                                           : state::SweepVisit::kKeep;
    });
    for (Pending& p : due) raise(std::move(p), nullptr, alerts);
  }
}

}  // namespace tripline::correlation
