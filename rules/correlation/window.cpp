#include "rules/correlation/window.h"

#include <algorithm>
#include <array>
#include <bit>
#include <unordered_map>
#include <unordered_set>

namespace tripline::correlation {
namespace {

// The figure of a set of occurrences, built one occurrence at a time.
class Accumulator {
 public:
  explicit Accumulator(const CompiledCorrelation& c) : c_(c) {}

  void add(const Entry& e) {
    count_ += e.count;
    sum_ += e.number;
    ++numbers_;
    if (e.slot < 64) slots_ |= uint64_t{1} << e.slot;
    if (c_.type == Type::kValueCount) add_distinct(e.value);
  }

  double value() const {
    switch (c_.type) {
      case Type::kEventCount:
        return static_cast<double>(count_);
      case Type::kValueCount:
        return static_cast<double>(n_few_ + distinct_.size());
      case Type::kValueSum:
        return sum_;
      case Type::kValueAvg:
        return numbers_ ? sum_ / static_cast<double>(numbers_) : 0;
      case Type::kTemporal:
        return static_cast<double>(std::popcount(slots_));
      case Type::kTemporalOrdered:
      case Type::kValuePercentile:
        break;
    }
    return 0;
  }
  uint64_t count() const { return count_; }

 private:
  const CompiledCorrelation& c_;
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t numbers_ = 0;
  uint64_t slots_ = 0;
  // Distinct values: a short list scanned in place (windows hold few, one per value), a hash
  // set for what goes past it.
  static constexpr size_t kFew = 16;
  std::array<std::string_view, kFew> few_;
  size_t n_few_ = 0;
  std::unordered_set<std::string_view> distinct_;

  void add_distinct(std::string_view v) {
    for (size_t i = 0; i < n_few_; ++i) {
      if (few_[i] == v) return;
    }
    if (n_few_ < kFew) {
      few_[n_few_++] = v;
    } else {
      distinct_.insert(v);
    }
  }
};

bool inside(const Entry& e, int64_t lo, int64_t hi) { return e.start_ms >= lo && e.end_ms <= hi; }

// temporal_ordered: how many of the rules, in their order, occur one after the other inside
// [lo, hi] (an occurrence must start no earlier than the previous one ended).
double ordered_prefix(const CompiledCorrelation& c, const GroupState& g, int64_t lo, int64_t hi,
                      int64_t first_start) {
  size_t next = 0;
  int64_t last_end = kNoTime;
  for (const Entry& e : g.entries) {
    if (!inside(e, lo, hi) || e.slot != next || e.start_ms < last_end) continue;
    // The sequence must begin at the window's first occurrence: that is what L names.
    if (next == 0 && e.start_ms != first_start) continue;
    last_end = e.end_ms;
    if (++next == c.slots.size()) break;
  }
  return static_cast<double>(next);
}

Fire make_fire(const CompiledCorrelation& c, const GroupState& g, int64_t lo, double value,
               size_t alert_events) {
  Fire f;
  f.window_start = lo;
  f.window_end = lo + c.timespan_ms;
  f.value = value;
  f.time = lo;
  for (const Entry& e : g.entries) {
    if (!inside(e, lo, f.window_end)) continue;
    f.count += e.count;
    f.time = std::max(f.time, e.end_ms);
    e.events.for_each([&](const EventJson& ev) {
      if (f.events.size() < alert_events) f.events.push_back(ev);
    });
  }
  return f;
}

// The largest figure any window of `g` can reach, where one is cheap to know: a window holds
// some of the group's entries, and each adds at most its count (event_count) or one value, rule
// or step. Sums and averages have none (values may be negative).
std::optional<double> group_ceiling(const CompiledCorrelation& c, const GroupState& g) {
  switch (c.type) {
    case Type::kEventCount: {
      uint64_t n = 0;
      for (const Entry& e : g.entries) n += e.count;
      return static_cast<double>(n);
    }
    case Type::kValueCount:
    case Type::kTemporal:
    case Type::kTemporalOrdered:
      return static_cast<double>(g.entries.size());
    case Type::kValueSum:
    case Type::kValueAvg:
    case Type::kValuePercentile:
      break;
  }
  return std::nullopt;
}

}  // namespace

size_t insert_entry(const CompiledCorrelation& c, GroupState& g, Entry entry, size_t* dropped) {
  auto& es = g.entries;
  // One entry per value (value_count) or per rule (temporal): the latest one is all a future
  // window can use, and it keeps the group small whatever the volume.
  if (c.type == Type::kValueCount || c.type == Type::kTemporal) {
    for (size_t i = 0; i < es.size(); ++i) {
      const bool same = c.type == Type::kValueCount ? es[i].value == entry.value
                                                     : es[i].slot == entry.slot;
      if (!same) continue;
      if (es[i].end_ms > entry.end_ms) return SIZE_MAX;  // a later one is already there
      if (entry.events.empty()) entry.events = std::move(es[i].events);
      entry.count += es[i].count;
      es.erase(es.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  auto pos = std::upper_bound(es.begin(), es.end(), entry.end_ms,
                              [](int64_t t, const Entry& e) { return t < e.end_ms; });
  size_t index = static_cast<size_t>(pos - es.begin());
  es.insert(pos, std::move(entry));
  if (es.size() > c.max_entries) {
    // The oldest go first; an eager count needs no more than its threshold of them.
    const size_t drop = es.size() - c.max_entries;
    if (dropped) *dropped += drop;
    if (index < drop) {
      es.erase(es.begin(), es.begin() + static_cast<std::ptrdiff_t>(drop));
      return SIZE_MAX;
    }
    es.erase(es.begin(), es.begin() + static_cast<std::ptrdiff_t>(drop));
    index -= drop;
  }
  return index;
}

std::optional<Fire> find_window(const CompiledCorrelation& c, const GroupState& g, size_t p,
                                size_t alert_events) {
  const auto& es = g.entries;
  // Most groups hold far fewer occurrences than the threshold: no window can satisfy it.
  if (const std::optional<double> ceiling = group_ceiling(c, g);
      ceiling && *ceiling < c.condition.min_count()) {
    return std::nullopt;
  }
  const Entry& target = es[p];
  const bool simple = c.type != Type::kTemporalOrdered &&
                      std::all_of(es.begin(), es.end(),
                                  [](const Entry& e) { return e.start_ms == e.end_ms; });
  if (simple && p + 1 == es.size()) {
    // In-order arrival (the common case): windows ending at the newest occurrence are suffixes;
    // grow one backwards and keep the earliest start that satisfies.
    Accumulator acc(c);
    std::optional<int64_t> best;
    for (size_t i = p + 1; i-- > 0;) {
      if (es[i].start_ms < target.end_ms - c.timespan_ms) break;
      acc.add(es[i]);
      if (c.condition.holds(acc.value())) best = es[i].start_ms;
    }
    if (!best) return std::nullopt;
    Accumulator full(c);
    for (const Entry& e : es) {
      if (inside(e, *best, *best + c.timespan_ms)) full.add(e);
    }
    return make_fire(c, g, *best, full.value(), alert_events);
  }
  // General case (late arrival, chained correlations, ordered sequences): try each occurrence
  // as the window start. Groups are small (bounded by max_entries).
  std::optional<int64_t> best;
  double best_value = 0;
  for (const Entry& first : es) {
    const int64_t lo = first.start_ms;
    const int64_t hi = lo + c.timespan_ms;
    if (!inside(target, lo, hi) || (best && lo >= *best)) continue;
    double value;
    if (c.type == Type::kTemporalOrdered) {
      value = ordered_prefix(c, g, lo, hi, lo);
    } else {
      Accumulator acc(c);
      for (const Entry& e : es) {
        if (inside(e, lo, hi)) acc.add(e);
      }
      value = acc.value();
    }
    if (c.condition.holds(value)) {
      best = lo;
      best_value = value;
    }
  }
  if (!best) return std::nullopt;
  return make_fire(c, g, *best, best_value, alert_events);
}

std::optional<Fire> judge_window(const CompiledCorrelation& c, const GroupState& g,
                                 size_t alert_events) {
  if (g.window_start == kNoTime) return std::nullopt;
  const int64_t lo = g.window_start;
  const int64_t hi = lo + c.timespan_ms;
  if (c.type == Type::kValuePercentile) {
    // The share (percent) of the window's events that carry each value; the window fires when
    // some value's share satisfies the condition (`lte: 1` — a value seen in at most 1% of them).
    std::unordered_map<std::string_view, uint64_t> per_value;
    uint64_t total = 0;
    for (const Entry& e : g.entries) {
      if (!inside(e, lo, hi)) continue;
      per_value[e.value] += e.count;
      total += e.count;
    }
    if (total == 0) return std::nullopt;
    std::vector<std::string> hits;
    double lowest = 100;
    for (const auto& [value, n] : per_value) {
      const double share = 100.0 * static_cast<double>(n) / static_cast<double>(total);
      if (c.condition.holds(share)) {
        hits.emplace_back(value);
        lowest = std::min(lowest, share);
      }
    }
    if (hits.empty()) return std::nullopt;
    std::sort(hits.begin(), hits.end());
    Fire f = make_fire(c, g, lo, lowest, alert_events);
    f.values = std::move(hits);
    return f;
  }
  double value;
  if (c.type == Type::kTemporalOrdered) {
    value = 0;
    for (const Entry& e : g.entries) {
      if (inside(e, lo, hi) && e.slot == 0) {
        value = std::max(value, ordered_prefix(c, g, lo, hi, e.start_ms));
      }
    }
  } else {
    Accumulator acc(c);
    for (const Entry& e : g.entries) {
      if (inside(e, lo, hi)) acc.add(e);
    }
    value = acc.value();
  }
  if (!c.condition.holds(value)) return std::nullopt;
  return make_fire(c, g, lo, value, alert_events);
}

bool prune(const CompiledCorrelation& c, GroupState& g, int64_t horizon) {
  if (c.eager) {
    // A future occurrence is no older than `horizon`, so its windows start at horizon - span
    // or later: nothing that started before can join one.
    const int64_t dead = horizon - c.timespan_ms;
    std::erase_if(g.entries, [&](const Entry& e) { return e.start_ms < dead; });
    return g.entries.empty() && g.absorbed_until < horizon;
  }
  return g.entries.empty() && g.window_start == kNoTime && g.closed_until < horizon;
}

}  // namespace tripline::correlation
