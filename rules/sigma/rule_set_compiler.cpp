#include <map>

#include "rules/sigma/detection_compiler.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/rule_slug.h"

namespace tripline::sigma {
namespace {

void error_at(Diagnostics& diags, const SourceMark& m, const char* code, std::string message) {
  diags.error(code, m.file, m.line, m.column, std::move(message));
}
void warning_at(Diagnostics& diags, const SourceMark& m, const char* code, std::string message) {
  diags.warning(code, m.file, m.line, m.column, std::move(message));
}

class SetCompiler {
 public:
  SetCompiler(const DocumentSet& docs, const CompileOptions& options, Diagnostics& diags)
      : docs_(docs), options_(options), diags_(diags) {
    placeholders_.values = options.placeholders;
  }

  std::shared_ptr<RuleSet> run() {
    auto set = std::make_shared<RuleSet>();
    auto catalog = std::make_shared<LogSourceCatalog>(
        options_.catalog ? *options_.catalog : LogSourceCatalog());
    for (const LogSourceMapping& m : docs_.mappings) catalog->add(m);
    set->catalog = catalog;
    set->policy = options_.policy ? options_.policy : std::make_shared<SeverityPolicy>();
    catalog_ = catalog.get();
    policy_ = set->policy.get();

    const size_t errors_before = diags_.error_count();
    std::map<std::string, const Rule*> ids;
    std::map<std::string, const Rule*> names;
    for (const Rule& r : docs_.rules) {
      auto compiled = compile_rule(r);
      if (!compiled) continue;
      if (auto [it, fresh] = ids.emplace(compiled->id, &r); !fresh) {
        const SourceMark& first = it->second->header.mark;
        error_at(diags_, r.header.id_mark.line ? r.header.id_mark : r.header.mark,
                 "rules.duplicate-id",
                 "rule id '" + compiled->id + "' is already used by " + first.file + ":" +
                     std::to_string(first.line));
        continue;
      }
      if (!r.header.name.empty()) {
        if (auto [it, fresh] = names.emplace(r.header.name, &r); !fresh) {
          error_at(diags_, r.header.mark, "rules.duplicate-name",
                   "rule name '" + r.header.name + "' is already used by " +
                       it->second->header.file + ":" + std::to_string(it->second->header.mark.line));
          continue;
        }
      }
      compiled->index = set->rules.size();
      set->rules.push_back(std::move(compiled));
    }
    for (const Filter& f : docs_.filters) apply_filter(f, *set);
    set->correlations = docs_.correlations;
    if (!set->correlations.empty()) {
      if (options_.correlation_compiler) {
        options_.correlation_compiler(*set, diags_);
      } else {
        for (const Correlation& c : set->correlations) {
          error_at(diags_, c.mark, "rules.correlation-unsupported",
                   "correlation rule '" + c.header.title +
                       "' was read and validated, but this build has no correlation engine");
        }
      }
    }
    set->baselines = docs_.baselines;
    if (!set->baselines.empty()) {
      if (options_.baseline_compiler) {
        options_.baseline_compiler(*set, diags_);
      } else {
        for (const Baseline& b : set->baselines) {
          error_at(diags_, b.mark, "rules.baseline-unsupported",
                   "baseline rule '" + b.header.title +
                       "' was read and validated, but this build has no baseline engine");
        }
      }
    }
    for (auto& rule : set->rules) rule->requirement = rule->condition->requirement();
    if (diags_.error_count() != errors_before) return nullptr;
    return set;
  }

 private:
  CompileEnv env_for(const LogSource& ls, const std::string& taxonomy) const {
    return CompileEnv{*catalog_, ls, taxonomy, placeholders_, options_.placeholders_required,
                      options_.limits};
  }

  std::unique_ptr<CompiledRule> compile_rule(const Rule& r) {
    const CompileEnv env = env_for(r.logsource.logsource, r.header.taxonomy);
    NodePtr condition = compile_detection(r.detection, env, diags_);
    if (!condition) return nullptr;
    auto c = std::make_unique<CompiledRule>();
    c->condition = std::move(condition);
    c->name = r.header.name;
    c->id = !r.header.id.empty() ? r.header.id : !r.header.name.empty() ? r.header.name
                                                                          : rule_slug(r.header.title, "rule");
    if (r.header.id.empty()) {
      warning_at(diags_, r.header.mark, "rules.missing-id",
                 "rule has no id; alerts use '" + c->id + "' as rule_id");
    }
    c->title = r.header.title;
    c->level = r.header.level;
    c->runbook = r.runbook;
    c->tags = r.header.tags;
    c->logsource = r.logsource.logsource;
    c->file = r.header.file;
    c->mark = r.header.mark;
    c->throttle = r.throttle;
    c->tests = r.tests;
    std::optional<Sev> rule_sev;
    if (!r.sev.empty()) rule_sev = parse_sev(r.sev);
    c->severity = policy_->for_rule(c->id, c->name, c->level, rule_sev, c->tags);
    for (const std::string& f : r.fields) {
      c->output_fields.emplace_back(
          f, make_field_ref(f, catalog_->paths_for(c->logsource, r.header.taxonomy, f)));
    }
    taxonomy_[c.get()] = r.header.taxonomy;
    return c;
  }

  void apply_filter(const Filter& f, RuleSet& set) {
    for (const RuleRef& ref : f.rules) {
      CompiledRule* target = nullptr;
      for (auto& r : set.rules) {
        if (r->id == ref.ref || (!r->name.empty() && r->name == ref.ref)) target = r.get();
      }
      if (!target) {
        warning_at(diags_, ref.mark, "rules.filter-unknown-rule",
                   "filter '" + f.header.title + "' names rule '" + ref.ref +
                       "', which is not loaded");
        continue;
      }
      if (!logsource_within(target->logsource, f.logsource.logsource)) {
        warning_at(diags_, ref.mark, "rules.filter-logsource",
                   "filter '" + f.header.title + "' (logsource " +
                       f.logsource.logsource.to_string() + ") does not cover rule '" + ref.ref +
                       "' (logsource " + target->logsource.to_string() + "); not applied");
        continue;
      }
      // The filter reads the target's events, so it uses the target's field mapping.
      const CompileEnv env = env_for(target->logsource, taxonomy_[target]);
      NodePtr exclude = compile_detection(f.detection, env, diags_);
      if (!exclude) return;
      std::vector<NodePtr> both;
      both.push_back(std::move(target->condition));
      both.push_back(std::make_unique<NotNode>(std::move(exclude)));
      target->condition = std::make_unique<AndNode>(std::move(both));
      target->filters.push_back(f.header.title);
    }
  }

  const DocumentSet& docs_;
  const CompileOptions& options_;
  Diagnostics& diags_;
  MapPlaceholders placeholders_;
  const LogSourceCatalog* catalog_ = nullptr;
  const SeverityPolicy* policy_ = nullptr;
  std::map<const CompiledRule*, std::string> taxonomy_;
};

}  // namespace

const CompiledRule* RuleSet::find(const std::string& id_or_name) const {
  for (const auto& r : rules) {
    if (r->id == id_or_name || (!r->name.empty() && r->name == id_or_name)) return r.get();
  }
  return nullptr;
}

std::shared_ptr<RuleSet> compile_rule_set(const DocumentSet& docs, const CompileOptions& options,
                                          Diagnostics& diags) {
  SetCompiler c(docs, options, diags);
  return c.run();
}

}  // namespace tripline::sigma
