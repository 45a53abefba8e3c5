#include "rules/severity/lifecycle_config.h"

namespace tripline {
namespace {

bool read_list(YamlMap& m, const std::string& key, const std::string& what,
               std::vector<YAML::Node>& out) {
  YAML::Node list = m.node(key);
  if (!list.IsDefined() || list.IsNull()) return false;
  if (!list.IsSequence()) {
    m.error(key, "config.type", what + " must be a list");
    return false;
  }
  for (const YAML::Node& item : list) out.push_back(item);
  return true;
}

}  // namespace

LifecycleConfig LifecycleConfig::read(YamlMap& m, const std::string& file, Diagnostics& diags) {
  LifecycleConfig c;
  if (YAML::Node dedup = m.node("dedup"); dedup.IsDefined() && !dedup.IsNull()) {
    YamlMap dm(dedup, "rules.severity.dedup", file, diags);
    if (dm.valid()) {
      dm.get_duration("window", c.dedup_window);
      if (dm.get("max_keys", c.dedup_max_keys) && c.dedup_max_keys == 0) {
        dm.error("max_keys", "config.type", "dedup.max_keys must be at least 1");
      }
      dm.finish();
    }
  }
  if (m.get("max_groups", c.max_groups) && c.max_groups == 0) {
    m.error("max_groups", "config.type", "max_groups must be at least 1");
  }
  std::vector<YAML::Node> items;
  if (read_list(m, "throttle", "rules.severity.throttle", items)) {
    for (const YAML::Node& item : items) {
      YamlMap tm(item, "rules.severity.throttle[]", file, diags);
      if (!tm.valid()) continue;
      PolicyThrottle t;
      t.mark = tm.mark();
      t.select.read(tm);
      const bool has_window = tm.get_duration("window", t.throttle.window, true);
      tm.get("max_alerts", t.throttle.max_alerts);
      if (has_window && t.throttle.window.count() <= 0) {
        tm.error("window", "config.type", "throttle.window must be positive");
      } else if (t.throttle.max_alerts == 0) {
        tm.error("max_alerts", "config.type", "throttle.max_alerts must be at least 1");
      } else if (has_window) {
        c.throttles.push_back(std::move(t));
      }
      tm.finish();
    }
  }
  items.clear();
  if (read_list(m, "escalation", "rules.severity.escalation", items)) {
    for (const YAML::Node& item : items) {
      YamlMap em(item, "rules.severity.escalation[]", file, diags);
      if (!em.valid()) continue;
      Escalation e;
      e.mark = em.mark();
      e.select.read(em);
      bool ok = em.get("count", e.count, true);
      ok = em.get_duration("within", e.within, true) && ok;
      if (ok && e.count < 2) {
        em.error("count", "config.type", "escalation.count must be at least 2");
        ok = false;
      }
      if (ok && e.within.count() <= 0) {
        em.error("within", "config.type", "escalation.within must be positive");
        ok = false;
      }
      if (em.get("raise", e.raise) && (e.raise < 1 || e.raise > 4)) {
        em.error("raise", "config.type", "escalation.raise must be between 1 and 4 grades");
        ok = false;
      }
      std::string ceiling;
      if (em.get("max", ceiling)) {
        const auto s = parse_sev(ceiling);
        if (!s) {
          em.error("max", "config.type", "'" + ceiling + "' is not a severity (SEV0..SEV4)");
          ok = false;
        } else {
          e.ceiling = *s;
        }
      }
      em.finish();
      if (ok) c.escalations.push_back(std::move(e));
    }
  }
  return c;
}

const ThrottleSpec* LifecycleConfig::throttle_for(std::string_view id, std::string_view name,
                                                  const std::vector<std::string>& tags) const {
  for (const PolicyThrottle& t : throttles) {
    if (t.select.matches(id, name, tags)) return &t.throttle;
  }
  return nullptr;
}

const LifecycleConfig::Escalation* LifecycleConfig::escalation_for(
    std::string_view id, std::string_view name, const std::vector<std::string>& tags) const {
  for (const Escalation& e : escalations) {
    if (e.select.matches(id, name, tags)) return &e;
  }
  return nullptr;
}

}  // namespace tripline
