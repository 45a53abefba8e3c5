#include "rules/correlation/correlation_compiler.h"

#include <prometheus/family.h>

#include <functional>
#include <map>
#include <set>

#include "core/digest.h"
#include "core/metrics.h"
#include "rules/correlation/correlation_engine.h"
#include "rules/sigma/rule_slug.h"

namespace tripline::correlation {
namespace {

struct CorrelationMetrics {
  prometheus::Family<prometheus::Counter>& late;
  prometheus::Family<prometheus::Counter>& overflow;
  static CorrelationMetrics& get() {
    prometheus::Registry& r = *Metrics::global().registry();
    static CorrelationMetrics m{
        prometheus::BuildCounter()
            .Name("tripline_correlation_late_events_total")
            .Help("Events that reached a correlation rule later than rules.correlation.lateness")
            .Register(r),
        prometheus::BuildCounter()
            .Name("tripline_correlation_window_overflow_total")
            .Help("Window entries dropped because a group reached max_events_per_group")
            .Register(r)};
    return m;
  }
};

void error_at(Diagnostics& diags, const SourceMark& m, const std::string& message) {
  diags.error("rules.correlation", m.file, m.line, m.column, message);
}

class Compiler {
 public:
  Compiler(sigma::RuleSet& set, const CorrelationOptions& options, state::StateRegistry* registry,
           Diagnostics& diags)
      : set_(set), options_(options), registry_(registry), diags_(diags) {}

  std::shared_ptr<CorrelationSet> run() {
    const size_t errors_before = diags_.error_count();
    auto out = std::make_shared<CorrelationSet>();
    const auto& docs = set_.correlations;
    // Ids and names first, so correlations may reference ones written after them.
    for (size_t i = 0; i < docs.size(); ++i) {
      const sigma::Correlation& d = docs[i];
      const std::string id = !d.header.id.empty() ? d.header.id
                             : !d.header.name.empty() ? d.header.name
                                                      : sigma::rule_slug(d.header.title, "correlation");
      ids_.push_back(id);
      if (set_.find(id) || (!d.header.name.empty() && set_.find(d.header.name))) {
        error_at(diags_, d.header.mark,
                 "correlation id or name '" + id + "' is also the id or name of a rule");
      }
      if (!by_ref_.emplace(id, i).second) {
        error_at(diags_, d.header.mark, "correlation id '" + id + "' is used twice");
      }
      if (!d.header.name.empty() && d.header.name != id) by_ref_.emplace(d.header.name, i);
    }
    for (size_t i = 0; i < docs.size(); ++i) {
      out->correlations.push_back(compile(i));
    }
    if (diags_.error_count() != errors_before) return nullptr;
    if (!check_cycles(*out)) return nullptr;
    link(*out);
    for (auto& c : out->correlations) {
      c->logsource = logsource_of(*out, *c, 0);
      c->digest = digest_of(*out, c->index);
      attach_state(*c, *out);
    }
    return out;
  }

 private:
  std::unique_ptr<CompiledCorrelation> compile(size_t index) {
    const sigma::Correlation& d = set_.correlations[index];
    auto c = std::make_unique<CompiledCorrelation>();
    c->index = index;
    c->id = ids_[index];
    c->name = d.header.name;
    c->title = d.header.title;
    c->level = d.header.level;
    c->runbook = d.runbook;
    c->tags = d.header.tags;
    c->file = d.header.file;
    c->mark = d.header.mark;
    c->throttle = d.throttle;
    std::optional<Sev> sev;
    if (!d.sev.empty()) sev = parse_sev(d.sev);
    c->severity = set_.policy->for_rule(c->id, c->name, c->level, sev, c->tags);
    if (!parse_type(d.type, c->type)) {
      error_at(diags_, d.mark, "unknown correlation type '" + d.type + "'");
      return c;
    }
    c->group_by = d.group_by;
    c->timespan_ms = d.timespan.count();
    if (c->timespan_ms <= 0) error_at(diags_, d.mark, "correlation needs a positive timespan");
    std::vector<std::pair<std::string, double>> ops;
    for (const auto& b : d.condition) ops.emplace_back(b.op, b.value);
    Condition::from_text(ops, c->condition);
    const bool temporal = c->type == Type::kTemporal || c->type == Type::kTemporalOrdered;
    if (temporal && c->condition.empty()) {
      // Every referenced rule (in order, for temporal_ordered) within the timespan.
      c->condition = Condition({{Bound::Op::kGte, static_cast<double>(d.rules.size())}});
    }
    c->eager = c->type != Type::kValuePercentile && c->condition.lower_bounds_only();
    if (d.rules.size() > 64) error_at(diags_, d.mark, "a correlation may reference 64 rules");
    for (const sigma::RuleRef& ref : d.rules) c->slots.push_back(resolve(d, *c, ref));
    // How many occurrences a group must keep: eager counts stop needing more once they have
    // the threshold; everything else keeps the window up to the configured bound.
    const size_t bound = static_cast<size_t>(options_.max_events_per_group);
    if (c->eager && (c->type == Type::kEventCount || c->type == Type::kValueCount)) {
      c->max_entries = std::min(bound, static_cast<size_t>(c->condition.min_count()));
    } else if (c->type == Type::kTemporal) {
      c->max_entries = c->slots.size();
    } else {
      c->max_entries = bound;
    }
    c->max_entries = std::max<size_t>(c->max_entries, 1);
    return c;
  }

  // The field an alias names for one referenced rule (spec: keyed by the rule's name; its id is
  // accepted too), else the field itself.
  std::string field_for(const sigma::Correlation& d, const std::string& field,
                        const std::string& name, const std::string& id) const {
    for (const auto& alias : d.aliases) {
      if (alias.name != field) continue;
      for (const auto& [rule, target] : alias.fields) {
        if ((!name.empty() && rule == name) || rule == id) return target;
      }
    }
    return field;
  }

  Slot resolve(const sigma::Correlation& d, CompiledCorrelation& c, const sigma::RuleRef& ref) {
    Slot slot;
    const bool value_type = c.type == Type::kValueCount || c.type == Type::kValueSum ||
                            c.type == Type::kValueAvg || c.type == Type::kValuePercentile;
    if (const sigma::CompiledRule* rule = set_.find(ref.ref)) {
      slot.rule = rule;
      const std::string& taxonomy = d.header.taxonomy;
      for (const std::string& g : d.group_by) {
        const std::string field = field_for(d, g, rule->name, rule->id);
        slot.group_fields.push_back(sigma::make_field_ref(
            field, set_.catalog->paths_for(rule->logsource, taxonomy, field)));
      }
      if (value_type) {
        for (const std::string& f : d.condition_fields) {
          const std::string field = field_for(d, f, rule->name, rule->id);
          slot.value_fields.push_back(sigma::make_field_ref(
              field, set_.catalog->paths_for(rule->logsource, taxonomy, field)));
        }
      }
      return slot;
    }
    auto it = by_ref_.find(ref.ref);
    if (it == by_ref_.end()) {
      error_at(diags_, ref.mark,
               "correlation rule '" + d.header.title + "' references '" + ref.ref +
                   "', which is neither a rule nor a correlation id or name");
      return slot;
    }
    if (value_type) {
      error_at(diags_, ref.mark,
               d.type + " needs the field values of events; '" + ref.ref +
                   "' is a correlation (reference the rules it builds on instead)");
    }
    slot.correlation = it->second;
    return slot;
  }

  bool check_cycles(const CorrelationSet& out) {
    std::vector<int> state(out.correlations.size(), 0);  // 0 new, 1 on stack, 2 done
    std::function<bool(size_t)> visit = [&](size_t i) {
      if (state[i] == 2) return true;
      if (state[i] == 1) return false;
      state[i] = 1;
      for (const Slot& s : out.correlations[i]->slots) {
        if (s.correlation != SIZE_MAX && !visit(s.correlation)) return false;
      }
      state[i] = 2;
      return true;
    };
    for (size_t i = 0; i < out.correlations.size(); ++i) {
      if (!visit(i)) {
        error_at(diags_, out.correlations[i]->mark,
                 "correlation rule '" + out.correlations[i]->title +
                     "' references itself through its rules (a cycle)");
        return false;
      }
    }
    return true;
  }

  // Routing tables, group mapping of chained correlations, and `generate`.
  void link(CorrelationSet& out) {
    out.by_rule.assign(set_.rules.size(), {});
    std::map<const sigma::CompiledRule*, bool> rule_generate;
    std::map<size_t, bool> corr_generate;
    for (auto& c : out.correlations) {
      const bool generate = set_.correlations[c->index].generate;
      for (size_t s = 0; s < c->slots.size(); ++s) {
        Slot& slot = c->slots[s];
        if (slot.rule) {
          out.by_rule[slot.rule->index].emplace_back(c->index, s);
          rule_generate[slot.rule] = rule_generate[slot.rule] || generate;
          continue;
        }
        CompiledCorrelation& source = *out.correlations[slot.correlation];
        source.feeds.emplace_back(c->index, s);
        corr_generate[slot.correlation] = corr_generate[slot.correlation] || generate;
        const sigma::Correlation& d = set_.correlations[c->index];
        for (const std::string& g : c->group_by) {
          const std::string field = field_for(d, g, source.name, source.id);
          size_t from = SIZE_MAX;
          for (size_t k = 0; k < source.group_by.size(); ++k) {
            if (source.group_by[k] == field) from = k;
          }
          slot.group_from_source.push_back(from);
        }
      }
    }
    // Sigma `generate`: rules referenced only by correlations that do not generate them feed
    // the correlations without alerting on their own.
    for (const auto& [rule, generate] : rule_generate) {
      const_cast<sigma::CompiledRule*>(rule)->emit_alerts = generate;
    }
    for (const auto& [index, generate] : corr_generate) {
      out.correlations[index]->emit_alerts = generate;
    }
  }

  LogSource logsource_of(const CorrelationSet& out, const CompiledCorrelation& c, int depth) {
    for (const Slot& s : c.slots) {
      if (s.rule) return s.rule->logsource;
    }
    if (depth > 64) return {};
    for (const Slot& s : c.slots) {
      if (s.correlation != SIZE_MAX) {
        return logsource_of(out, *out.correlations[s.correlation], depth + 1);
      }
    }
    return {};
  }

  // What the group state depends on. A chained correlation's digest includes its sources', so
  // changing the source restarts the chain.
  std::string digest_of(const CorrelationSet& out, size_t index) {
    if (auto it = digests_.find(index); it != digests_.end()) return it->second;
    const CompiledCorrelation& c = *out.correlations[index];
    const sigma::Correlation& d = set_.correlations[index];
    std::string text = "v1\x1f" + d.type + "\x1f" + std::to_string(c.timespan_ms) + "\x1f" +
                       c.condition.to_string() + "\x1f" + std::to_string(c.max_entries);
    for (const std::string& g : d.group_by) text += "\x1fg:" + g;
    for (const std::string& f : d.condition_fields) text += "\x1f" "f:" + f;
    for (const auto& alias : d.aliases) {
      for (const auto& [rule, field] : alias.fields) {
        text += "\x1f" "a:" + alias.name + "=" + rule + ":" + field;
      }
    }
    for (const Slot& s : c.slots) {
      text += s.rule ? "\x1fr:" + s.rule->id : "\x1f" "c:" + digest_of(out, s.correlation);
    }
    return digests_[index] = sha256_hex(text, 32);
  }

  void attach_state(CompiledCorrelation& c, CorrelationSet& out) {
    state::StateLimits limits;
    limits.max_keys = static_cast<size_t>(options_.max_groups);
    const std::function<std::shared_ptr<GroupStore>()> make = [&] {
      return std::make_shared<GroupStore>(c.id, limits);
    };
    if (registry_) {
      std::string key;
      c.store = registry_->acquire_as<GroupStore>("correlation", c.id, c.digest, make, &key);
      out.state_keys.push_back(key);
    }
    if (!c.store) c.store = make();
    CorrelationMetrics& m = CorrelationMetrics::get();
    c.late_events = &m.late.Add({{"rule_id", c.id}});
    c.overflow = &m.overflow.Add({{"rule_id", c.id}});
  }

  sigma::RuleSet& set_;
  const CorrelationOptions& options_;
  state::StateRegistry* registry_;
  Diagnostics& diags_;
  std::vector<std::string> ids_;
  std::map<std::string, size_t> by_ref_;
  std::map<size_t, std::string> digests_;
};

}  // namespace

bool parse_type(const std::string& text, Type& out) {
  static const std::map<std::string, Type> kTypes = {
      {"event_count", Type::kEventCount},   {"value_count", Type::kValueCount},
      {"value_sum", Type::kValueSum},       {"value_avg", Type::kValueAvg},
      {"value_percentile", Type::kValuePercentile}, {"temporal", Type::kTemporal},
      {"temporal_ordered", Type::kTemporalOrdered}};
  auto it = kTypes.find(text);
  if (it == kTypes.end()) return false;
  out = it->second;
  return true;
}

std::shared_ptr<CorrelationSet> compile_correlations(sigma::RuleSet& set,
                                                     const CorrelationOptions& options,
                                                     state::StateRegistry* registry,
                                                     Diagnostics& diags) {
  std::shared_ptr<CorrelationSet> out = Compiler(set, options, registry, diags).run();
  if (!out) return nullptr;
  for (const auto& c : out->correlations) {
    set.correlation_tests.push_back(
        {c->id, c->title, c->file, c->logsource, set.correlations[c->index].tests});
  }
  std::shared_ptr<const SeverityPolicy> policy = set.policy;
  set.make_test_observers = [out, options, policy] {
    EngineOptions engine;
    engine.options = options;
    engine.fresh_state = true;
    return std::vector<std::shared_ptr<sigma::MatchObserver>>{
        std::make_shared<CorrelationEngine>(out, policy, engine)};
  };
  return out;
}

}  // namespace tripline::correlation
