#include "rules/severity/severity_policy.h"

#include <algorithm>
#include <charconv>

#include "config/yaml_map.h"

namespace tripline {
namespace {

Sev shift(Sev s, int by) {
  const int v = std::clamp(static_cast<int>(s) + by, 0, 4);
  return static_cast<Sev>(v);
}

bool read_sev(YamlMap& m, const std::string& key, std::optional<Sev>& out) {
  std::string s;
  if (!m.get(key, s)) return false;
  out = parse_sev(s);
  if (!out) m.error(key, "config.type", "'" + s + "' is not a severity (SEV0..SEV4)");
  return out.has_value();
}

}  // namespace

Sev SeverityPolicy::default_for_level(std::string_view level) {
  static const SeverityPolicy defaults;
  auto it = defaults.levels_.find(std::string(level));
  return it == defaults.levels_.end() ? defaults.no_level_ : it->second;
}

SeverityPolicy SeverityPolicy::read(const YAML::Node& node, const std::string& file,
                                    Diagnostics& diags) {
  SeverityPolicy p;
  if (!node.IsDefined() || node.IsNull()) return p;
  YamlMap m(node, "rules.severity", file, diags);
  if (!m.valid()) return p;
  if (YAML::Node levels = m.node("levels"); levels.IsDefined() && !levels.IsNull()) {
    YamlMap lm(levels, "rules.severity.levels", file, diags);
    for (const char* level : {"critical", "high", "medium", "low", "informational"}) {
      std::optional<Sev> sev;
      if (read_sev(lm, level, sev)) p.levels_[level] = *sev;
    }
  }
  std::optional<Sev> no_level;
  if (read_sev(m, "no_level", no_level)) p.no_level_ = *no_level;
  m.get("environment_field", p.environment_field_);
  if (YAML::Node list = m.node("overrides"); list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) {
      m.error("overrides", "config.type", "rules.severity.overrides must be a list");
    } else {
      for (const YAML::Node& item : list) {
        YamlMap om(item, "rules.severity.overrides[]", file, diags);
        if (!om.valid()) continue;
        Override o;
        o.mark = om.mark();
        om.get("rule", o.rules);
        om.get("tag", o.tags);
        om.get("environment", o.environment);
        const bool has_sev = read_sev(om, "sev", o.sev);
        std::string adjust;
        bool has_adjust = false;
        if (om.get("adjust", adjust)) {
          const char* b = adjust.data() + (adjust.starts_with('+') ? 1 : 0);
          auto [end, ec] = std::from_chars(b, adjust.data() + adjust.size(), o.adjust);
          if (ec != std::errc() || end != adjust.data() + adjust.size() || o.adjust < -4 ||
              o.adjust > 4 || o.adjust == 0) {
            om.error("adjust", "config.type",
                     "adjust must be a non-zero step between -4 and +4 (+1 = less urgent)");
          } else {
            has_adjust = true;
          }
        }
        if (has_sev == has_adjust) {
          om.error("", "config.missing-key",
                   "a severity override needs exactly one of sev, adjust");
          continue;
        }
        if (o.rules.empty() && o.tags.empty() && o.environment.empty()) {
          om.error("", "config.missing-key",
                   "a severity override needs at least one of rule, tag, environment");
          continue;
        }
        p.overrides_.push_back(std::move(o));
      }
    }
  }
  p.lifecycle_ = LifecycleConfig::read(m, file, diags);
  p.changes_ = ChangeApprovals::read(m.node("changes"), file, diags);
  m.finish();
  return p;
}

SeverityPolicy::RuleSeverity SeverityPolicy::for_rule(const std::string& id,
                                                      const std::string& name,
                                                      const std::string& level,
                                                      const std::optional<Sev>& rule_sev,
                                                      const std::vector<std::string>& tags) const {
  RuleSeverity rs;
  if (rule_sev) {
    rs.base_ = *rule_sev;
  } else {
    auto it = levels_.find(level);
    rs.base_ = it == levels_.end() ? no_level_ : it->second;
  }
  for (const Override& o : overrides_) {
    if (!o.rules.empty() && std::none_of(o.rules.begin(), o.rules.end(), [&](const std::string& r) {
          return r == id || (!name.empty() && r == name);
        })) {
      continue;
    }
    if (!o.tags.empty() && std::none_of(o.tags.begin(), o.tags.end(), [&](const std::string& p) {
          return std::any_of(tags.begin(), tags.end(),
                             [&](const std::string& t) { return tag_pattern_matches(p, t); });
        })) {
      continue;
    }
    if (!o.environment.empty() || !rs.steps_.empty()) {
      // Once a step depends on the event, later steps must wait for it too (order matters).
      rs.steps_.push_back(&o);
    } else {
      rs.base_ = o.sev ? *o.sev : shift(rs.base_, o.adjust);
    }
  }
  return rs;
}

Sev SeverityPolicy::RuleSeverity::resolve(std::string_view environment) const {
  Sev s = base_;
  for (const Override* o : steps_) {
    if (!o->environment.empty() && o->environment != environment) continue;
    s = o->sev ? *o->sev : shift(s, o->adjust);
  }
  return s;
}

Sev SeverityPolicy::grade(const RuleSeverity& rule, const Event* event) const {
  if (!rule.depends_on_environment() || event == nullptr) return rule.base();
  std::string_view environment;
  if (const InputInfo* in = event->input()) {
    for (const auto& [name, value] : in->static_fields) {
      if (name == environment_field_) environment = value;
    }
  }
  return rule.resolve(environment);
}

}  // namespace tripline
