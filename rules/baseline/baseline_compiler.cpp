#include "rules/baseline/baseline_compiler.h"

#include <set>

#include "core/digest.h"
#include "rules/baseline/first_seen.h"
#include "rules/baseline/rate_spike.h"
#include "rules/baseline/ratio.h"
#include "rules/sigma/reader_parts.h"
#include "rules/state/state_registry.h"

namespace tripline::baseline {
namespace {

using sigma::error_at;

template <class Store>
std::shared_ptr<Store> store_for(const std::string& id, const sigma::Baseline& b,
                                 const BaselineCompileOptions& options) {
  state::StateLimits limits = options.limits;
  if (b.max_keys) limits.max_keys = b.max_keys;
  auto make = [&] { return std::make_shared<Store>(id, limits); };
  if (!options.registry) return make();
  std::string key;
  auto store =
      options.registry->acquire_as<Store>("baseline-" + b.type, id, baseline_digest(b), make, &key);
  if (options.acquired) options.acquired->insert(key);
  return store ? store : make();
}

std::unique_ptr<BaselineRule> make_rule(BaselineInfo info, const sigma::Baseline& b,
                                        const BaselineCompileOptions& options) {
  const std::string id = info.id;
  if (b.type == "rate_spike") {
    RateSpikeParams p{b.window, b.warmup, b.factor, b.min_count, b.alpha};
    return std::make_unique<RateSpike>(std::move(info), p,
                                       store_for<RateSpike::Store>(id, b, options));
  }
  if (b.type == "first_seen") {
    FirstSeenParams p{b.fields, b.learning};
    return std::make_unique<FirstSeen>(std::move(info), p,
                                       store_for<FirstSeen::Store>(id, b, options));
  }
  RatioParams p{b.window, b.threshold, b.min_total};
  return std::make_unique<Ratio>(std::move(info), p, store_for<Ratio::Store>(id, b, options));
}

std::vector<sigma::FieldRef> field_refs(const sigma::RuleSet& set, const sigma::CompiledRule& rule,
                                        const std::vector<std::string>& names) {
  std::vector<sigma::FieldRef> out;
  for (const std::string& f : names) {
    out.push_back(sigma::make_field_ref(f, set.catalog->paths_for(rule.logsource, "", f)));
  }
  return out;
}

}  // namespace

std::string baseline_digest(const sigma::Baseline& b) {
  std::string s = b.type;
  const auto add = [&](const std::string& v) {
    s += '\x1f';
    s += v;
  };
  for (const auto& r : b.rules) add("rule=" + r.ref);
  if (b.numerator) add("numerator=" + b.numerator->ref);
  for (const auto& g : b.group_by) add("group=" + g);
  for (const auto& f : b.fields) add("field=" + f);
  add(std::to_string(b.window.count()));
  add(std::to_string(b.warmup));
  add(std::to_string(b.factor));
  add(std::to_string(b.min_count));
  add(std::to_string(b.alpha));
  add(std::to_string(b.learning.count()));
  add(std::to_string(b.threshold));
  add(std::to_string(b.min_total));
  add(std::to_string(b.max_keys));
  return sha256_hex(s, 32);
}

namespace {

BaselineInfo info_for(const sigma::RuleSet& set, const sigma::Baseline& b) {
  BaselineInfo info;
  info.id = b.header.id.empty() ? b.header.name : b.header.id;
  info.name = b.header.name;
  info.title = b.header.title;
  info.level = b.header.level;
  info.runbook = b.runbook;
  info.tags = b.header.tags;
  info.policy = set.policy;
  const std::optional<Sev> sev = b.sev.empty() ? std::nullopt : parse_sev(b.sev);
  info.severity = set.policy->for_rule(info.id, info.name, info.level, sev, info.tags);
  return info;
}

// Builds the engine of an already validated set: every reference resolves.
std::shared_ptr<BaselineEngine> build_engine(const sigma::RuleSet& set,
                                             const BaselineCompileOptions& options) {
  std::vector<std::unique_ptr<BaselineRule>> rules;
  std::vector<std::vector<BaselineEngine::Watch>> watches(set.rules.size());
  for (const sigma::Baseline& b : set.baselines) {
    std::unique_ptr<BaselineRule> rule = make_rule(info_for(set, b), b, options);
    const auto watch = [&](const sigma::RuleRef& ref, Role role) {
      const sigma::CompiledRule* target = set.find(ref.ref);
      if (!target) return;
      BaselineEngine::Watch w;
      w.rule = rule.get();
      w.role = role;
      w.group_by = field_refs(set, *target, b.group_by);
      w.value = field_refs(set, *target, b.fields);
      watches[target->index].push_back(std::move(w));
    };
    for (const sigma::RuleRef& ref : b.rules) watch(ref, Role::kCount);
    if (b.numerator) watch(*b.numerator, Role::kPart);
    rules.push_back(std::move(rule));
  }
  return std::make_shared<BaselineEngine>(std::move(rules), std::move(watches));
}

}  // namespace

std::shared_ptr<BaselineEngine> compile_baselines(sigma::RuleSet& set,
                                                  const BaselineCompileOptions& options,
                                                  Diagnostics& diags) {
  if (set.baselines.empty()) return nullptr;
  const size_t errors_before = diags.error_count();
  std::set<std::string> ids;
  for (const sigma::Correlation& c : set.correlations) {
    ids.insert(c.header.id.empty() ? c.header.name : c.header.id);
  }
  std::vector<sigma::CompiledRule*> silenced;
  for (const sigma::Baseline& b : set.baselines) {
    const std::string id = b.header.id.empty() ? b.header.name : b.header.id;
    const SourceMark& at = b.header.id_mark.line ? b.header.id_mark : b.header.mark;
    if (id.empty()) {
      error_at(diags, b.header.mark, "rules.baseline", "a baseline rule needs an id or a name");
      continue;
    }
    if (set.find(id) || (!b.header.name.empty() && set.find(b.header.name)) ||
        !ids.insert(id).second) {
      error_at(diags, at, "rules.duplicate-id",
               "baseline id '" + id + "' is already the id or name of another rule");
      continue;
    }
    if (!b.sev.empty() && !parse_sev(b.sev)) {
      error_at(diags, b.sev_mark, "rules.sev", "'" + b.sev + "' is not SEV0..SEV4");
    }
    std::vector<sigma::RuleRef> refs = b.rules;
    if (b.numerator) refs.push_back(*b.numerator);
    for (const sigma::RuleRef& ref : refs) {
      const sigma::CompiledRule* found = set.find(ref.ref);
      if (!found) {
        error_at(diags, ref.mark, "rules.baseline-ref",
                 "baseline '" + b.header.title + "' refers to unknown rule '" + ref.ref + "'");
      } else if (!b.generate) {
        silenced.push_back(set.rules[found->index].get());
      }
    }
  }
  if (diags.error_count() != errors_before) return nullptr;
  for (sigma::CompiledRule* r : silenced) r->emit_alerts = false;

  std::shared_ptr<BaselineEngine> engine = build_engine(set, options);
  // `rules test` runs the baselines' embedded tests like a correlation's, on fresh state.
  for (const sigma::Baseline& b : set.baselines) {
    const sigma::CompiledRule* first = set.find(b.rules.front().ref);
    set.correlation_tests.push_back({b.header.id.empty() ? b.header.name : b.header.id,
                                     b.header.title, b.header.file, first->logsource, b.tests});
  }
  auto before = std::move(set.make_test_observers);
  const sigma::RuleSet* self = &set;
  BaselineCompileOptions fresh;
  fresh.limits = options.limits;
  set.make_test_observers = [before, self, fresh] {
    std::vector<std::shared_ptr<sigma::MatchObserver>> out;
    if (before) out = before();
    out.push_back(build_engine(*self, fresh));
    return out;
  };
  return engine;
}

}  // namespace tripline::baseline
