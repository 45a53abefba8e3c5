#include "rules/rule_loader.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/metrics.h"
#include "rules/baseline/baseline_compiler.h"
#include "rules/correlation/correlation_compiler.h"
#include "rules/correlation/correlation_engine.h"
#include "rules/lua/lua_rule_set.h"
#include "rules/matcher_set.h"
#include "rules/severity/lifecycle_matcher.h"
#include "rules/severity/severity_policy.h"
#include "rules/sigma/field_mapping.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/sigma_matcher.h"
#include "rules/sigma/yaml_reader.h"
#include "rules/state/state_registry.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

bool is_rule_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml" || ext == ".lua";
}

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// --- Lua rules (rules/lua/) -------------------------------------------------------------------
// They take part in what YAML rules do: the same logsource routing (the Sigma catalog, so sshd
// lines reach linux/auth rules), the same severity policy, unique ids across both engines.

std::shared_ptr<LuaRuleSet> load_lua(const std::vector<std::string>& files,
                                     const RulesConfig& config, const RuleLoadOptions& options,
                                     const sigma::CompileOptions& compile, Diagnostics& diags) {
  LuaLoadOptions lua;
  const YAML::Node& limits = config.limits;
  lua.limits = read_lua_limits(limits && limits.IsMap() ? limits["lua"] : YAML::Node(),
                               config.mark.file, diags);
  lua.state_dir = options.state_dir;
  std::shared_ptr<const SeverityPolicy> policy = compile.policy;
  lua.hooks.grade = [policy](const LuaRuleInfo& rule, Sev requested, const Event& event) {
    return policy->grade(policy->for_rule(rule.id, "", "", requested, rule.tags), &event);
  };
  std::shared_ptr<const sigma::LogSourceCatalog> catalog = compile.catalog;
  lua.hooks.routes = [catalog](const LogSource& rule, const LogSource& event) {
    return catalog->routes(rule, event);
  };
  return std::make_shared<LuaRuleSet>(load_lua_rules(files, lua, diags));
}

// What the alert lifecycle (rules/severity/) needs of every rule: name, tags, own throttle.
std::unordered_map<std::string, LifecycleRule> lifecycle_rules(const sigma::RuleSet& set,
                                                               const LuaRuleSet* lua) {
  std::unordered_map<std::string, LifecycleRule> out;
  for (const auto& r : set.rules) {
    LifecycleRule& l = out[r->id];
    l.name = r->name;
    l.tags = r->tags;
    if (r->throttle) l.throttle = ThrottleSpec{r->throttle->window, r->throttle->max_alerts};
  }
  for (const sigma::Correlation& c : set.correlations) {
    const std::string& id = c.header.id.empty() ? c.header.name : c.header.id;
    if (id.empty()) continue;
    LifecycleRule& l = out[id];
    l.name = c.header.name;
    l.tags = c.header.tags;
  }
  for (const sigma::Baseline& b : set.baselines) {
    const std::string& id = b.header.id.empty() ? b.header.name : b.header.id;
    if (id.empty()) continue;
    LifecycleRule& l = out[id];
    l.name = b.header.name;
    l.tags = b.header.tags;
  }
  if (lua) {
    for (const LuaRuleInfo& r : lua->rules) {
      LifecycleRule& l = out[r.id];
      l.tags = r.tags;
      if (r.throttle) l.throttle = ThrottleSpec{r.throttle->window, r.throttle->max_alerts};
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> collect_rule_files(const std::vector<std::string>& paths,
                                            const std::string& base_dir, const SourceMark& mark,
                                            Diagnostics& diags) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  const auto add = [&](const fs::path& p) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(p, ec);
    if (seen.insert(ec ? p.string() : canonical.string()).second) files.push_back(p.string());
  };
  for (const std::string& raw : paths) {
    fs::path p(raw);
    if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      if (is_rule_file(p)) {
        diags.error("rules.missing-path", mark.file, mark.line, mark.column,
                    "rule file " + p.string() + " does not exist");
      } else {
        diags.warning("rules.missing-path", mark.file, mark.line, mark.column,
                      "rule directory " + p.string() + " does not exist; no rules from it");
      }
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<fs::path> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::follow_directory_symlink, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && is_rule_file(it->path())) found.push_back(it->path());
      }
      if (ec) {
        diags.error("rules.io", p.string(), 0, 0, "cannot list rule directory: " + ec.message());
      }
      std::sort(found.begin(), found.end());
      for (const fs::path& f : found) add(f);
    } else {
      add(p);
    }
  }
  return files;
}

RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir,
                          const RuleLoadOptions& options) {
  RuleLoadResult result;
  Diagnostics& diags = result.diagnostics;
  try {
    const std::string& cfg_file = config.mark.file;
    sigma::CompileOptions compile;
    compile.placeholders = &config.placeholders;
    compile.placeholders_required = options.placeholders_required;
    compile.limits = sigma::read_limits(config.limits, cfg_file, diags);
    compile.policy =
        std::make_shared<SeverityPolicy>(SeverityPolicy::read(config.severity, cfg_file, diags));
    compile.catalog =
        std::make_shared<sigma::LogSourceCatalog>(sigma::LogSourceCatalog::builtin(diags));
    const correlation::CorrelationOptions correlation_options =
        correlation::read_correlation_options(config.correlation, cfg_file, diags);
    std::shared_ptr<correlation::CorrelationSet> correlations;
    compile.correlation_compiler = [&](sigma::RuleSet& set, Diagnostics& d) {
      correlations =
          correlation::compile_correlations(set, correlation_options, options.state_registry, d);
      return correlations != nullptr;
    };

    std::shared_ptr<baseline::BaselineEngine> baselines;
    baseline::BaselineCompileOptions baseline_options;
    baseline_options.registry = options.state_registry;
    baseline_options.acquired = &result.state_keys;
    compile.baseline_compiler = [&](sigma::RuleSet& set, Diagnostics& d) {
      baselines = baseline::compile_baselines(set, baseline_options, d);
      return baselines != nullptr;
    };

    sigma::DocumentSet docs;
    std::vector<std::string> lua_files;
    for (const std::string& file : collect_rule_files(config.paths, base_dir, config.mark, diags)) {
      if (fs::path(file).extension() == ".lua") {
        lua_files.push_back(file);
        continue;
      }
      sigma::read_file(file, docs, diags);
    }
    result.file_count = docs.files;
    std::shared_ptr<sigma::RuleSet> set = sigma::compile_rule_set(docs, compile, diags);
    std::shared_ptr<LuaRuleSet> lua;
    if (!lua_files.empty()) {
      lua = load_lua(lua_files, config, options, compile, diags);
      result.file_count += lua->file_count;
      for (const LuaRuleInfo& rule : lua->rules) {
        if (set && set->find(rule.id)) {
          diags.error("rules.duplicate-id", rule.file, rule.mark.line, 0,
                      "rule id '" + rule.id + "' is also the id or name of a YAML rule");
        }
      }
    }
    if (!set || diags.has_errors()) return result;
    result.rule_count = set->rules.size() + set->baselines.size();
    auto sigma_matcher = std::make_shared<sigma::SigmaMatcher>(set);
    if (correlations) {
      correlation::EngineOptions engine;
      engine.options = correlation_options;
      // With persisted state, windows still open at stop are judged after the restart.
      engine.keep_open_windows =
          options.state_registry && !options.state_registry->state_dir().empty();
      sigma_matcher->add_observer(
          std::make_shared<correlation::CorrelationEngine>(correlations, set->policy, engine));
      result.state_keys.insert(correlations->state_keys.begin(), correlations->state_keys.end());
      result.rule_count += correlations->correlations.size();
    }
    if (baselines) sigma_matcher->add_observer(baselines);
    result.matcher = sigma_matcher;
    result.rule_set = std::move(set);
    if (lua) {
      result.rule_count += lua->rules.size();
      result.matcher = std::make_shared<MatcherSet>(
          std::vector<std::shared_ptr<Matcher>>{result.matcher, lua->matcher});
      result.lua_rules = std::move(lua);
    }
    // The lifecycle's tables outlive a reload, like rule state (rules/severity/lifecycle_state.h).
    std::shared_ptr<LifecycleState> lifecycle_state;
    if (options.state_registry) {
      std::string key;
      lifecycle_state = options.state_registry->acquire_as<LifecycleState>(
          "lifecycle", "alert-lifecycle", "tables-v1",
          [] { return std::make_shared<LifecycleState>(); }, &key);
      if (lifecycle_state) result.state_keys.insert(key);
    }
    auto lifecycle = std::make_shared<AlertLifecycle>(
        compile.policy, lifecycle_rules(*result.rule_set, result.lua_rules.get()),
        std::move(lifecycle_state));
    result.matcher = std::make_shared<LifecycleMatcher>(result.matcher, std::move(lifecycle));
  } catch (const std::exception& e) {
    diags.error("rules.internal", config.mark.file, config.mark.line, config.mark.column,
                std::string("rule loading failed: ") + e.what());
    result.matcher.reset();
    result.rule_set.reset();
    result.lua_rules.reset();
    result.state_keys.clear();
  }
  return result;
}

RuleLoadResult load_rules(const RulesConfig& config, const std::string& base_dir,
                          const std::string& state_dir, state::StateRegistry* state_registry) {
  RuleLoadOptions options;
  options.state_dir = state_dir;
  options.state_registry = state_registry;
  RuleLoadResult result = load_rules(config, base_dir, options);
  if (result.matcher) {
    Metrics::global().rules_loaded().Set(static_cast<double>(result.rule_count));
  }
  return result;
}

}  // namespace tripline
