#include "rules/sigma/route_plan.h"

#include <algorithm>
#include <map>

#include "rules/sigma/pattern.h"

namespace tripline::sigma {
namespace {

thread_local std::string tls_index_lowered;
thread_local std::vector<std::pair<FieldType, std::string>> tls_index_elements;

}  // namespace

RoutePlan RoutePlan::build(const RuleSet& set, const LogSource& event_logsource) {
  RoutePlan plan;
  std::vector<const CompiledRule*> routed;
  for (const auto& r : set.rules) {
    if (set.catalog->routes(r->logsource, event_logsource)) routed.push_back(r.get());
  }
  plan.rule_count = routed.size();
  // How many routed rules could be indexed by each field.
  std::map<std::string, size_t> popularity;
  for (const CompiledRule* r : routed) {
    if (!r->requirement) continue;
    for (const auto& [key, values] : r->requirement->fields) ++popularity[key];
  }
  std::map<std::string, size_t> index_of;
  for (const CompiledRule* r : routed) {
    const auto idx = static_cast<uint32_t>(r->index);
    if (!r->requirement || r->requirement->fields.empty()) {
      plan.unindexed.push_back(idx);
      continue;
    }
    // Most shared field first, then the fewest accepted values.
    const std::string* best = nullptr;
    for (const auto& [key, values] : r->requirement->fields) {
      if (!best) {
        best = &key;
        continue;
      }
      const size_t pb = popularity[*best], pk = popularity[key];
      const size_t vb = r->requirement->fields.at(*best).size(), vk = values.size();
      if (pk > pb || (pk == pb && vk < vb)) best = &key;
    }
    auto [it, fresh] = index_of.emplace(*best, plan.indexes.size());
    if (fresh) {
      plan.indexes.push_back({r->requirement->refs.at(*best), {}});
    }
    Index& index = plan.indexes[it->second];
    // An empty set (contradictory literals) files the rule nowhere: it can never match.
    for (const std::string& v : r->requirement->fields.at(*best)) index.by_value[v].push_back(idx);
  }
  return plan;
}

void RoutePlan::candidates(const Event& event, std::vector<uint32_t>& out) const {
  out.clear();
  out.insert(out.end(), unindexed.begin(), unindexed.end());
  size_t sources = unindexed.empty() ? 0 : 1;
  const auto add = [&](std::string_view text) -> const std::string& {
    ascii_lower(text, tls_index_lowered);
    return tls_index_lowered;
  };
  for (const Index& index : indexes) {
    const FieldValue* v = resolve(event, *index.field);
    if (!v || v->type == FieldType::kNull) continue;
    if (v->type == FieldType::kArray) {
      tls_index_elements.clear();
      array_elements(v->text, tls_index_elements);
      for (const auto& [type, text] : tls_index_elements) {
        auto it = index.by_value.find(add(text));
        if (it == index.by_value.end()) continue;
        out.insert(out.end(), it->second.begin(), it->second.end());
        sources += 2;  // elements may repeat a rule
      }
      continue;
    }
    auto it = index.by_value.find(add(v->text));
    if (it == index.by_value.end()) continue;
    out.insert(out.end(), it->second.begin(), it->second.end());
    ++sources;
  }
  if (sources > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

}  // namespace tripline::sigma
