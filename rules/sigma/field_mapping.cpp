#include "rules/sigma/field_mapping.h"

#include <algorithm>

#include "rules/sigma/yaml_reader.h"

namespace tripline::sigma {
namespace {

int specificity(const LogSource& ls) {
  return !ls.product.empty() + !ls.service.empty() + !ls.category.empty();
}

bool same_taxonomy(const std::string& a, const std::string& b) {
  const auto norm = [](const std::string& t) { return t.empty() ? std::string("sigma") : t; };
  return norm(a) == norm(b);
}

}  // namespace

bool logsource_within(const LogSource& inner, const LogSource& outer) {
  return (outer.product.empty() || outer.product == inner.product) &&
         (outer.service.empty() || outer.service == inner.service) &&
         (outer.category.empty() || outer.category == inner.category);
}

LogSourceCatalog LogSourceCatalog::builtin(Diagnostics& diags) {
  LogSourceCatalog catalog;
  for (const auto& [name, text] : embedded_files()) {
    DocumentSet docs;
    read_text(text, "<builtin>/logsources/" + name, docs, diags);
    for (LogSourceMapping& m : docs.mappings) catalog.add(std::move(m));
  }
  return catalog;
}

void LogSourceCatalog::add(LogSourceMapping mapping) {
  // Newest first: a user's mapping for a logsource shadows the built-in one field by field.
  mappings_.insert(mappings_.begin(), std::move(mapping));
}

std::vector<const LogSourceMapping*> LogSourceCatalog::applicable(
    const LogSource& rule, const std::string& taxonomy) const {
  std::vector<const LogSourceMapping*> out;
  for (const LogSourceMapping& m : mappings_) {
    if (same_taxonomy(m.taxonomy, taxonomy) && logsource_within(rule, m.logsource)) {
      out.push_back(&m);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return specificity(a->logsource) > specificity(b->logsource);
  });
  return out;
}

std::vector<std::string> LogSourceCatalog::paths_for(const LogSource& rule,
                                                     const std::string& taxonomy,
                                                     const std::string& field) const {
  const std::vector<const LogSourceMapping*> maps = applicable(rule, taxonomy);
  for (const LogSourceMapping* m : maps) {
    for (const auto& [name, paths] : m->fields) {
      if (name == field) return paths;
    }
  }
  for (const LogSourceMapping* m : maps) {
    const std::pair<std::string, std::vector<std::string>>* best = nullptr;
    for (const auto& p : m->prefixes) {
      if (field.compare(0, p.first.size(), p.first) == 0 &&
          (!best || p.first.size() > best->first.size())) {
        best = &p;
      }
    }
    if (best) {
      std::vector<std::string> out;
      for (const std::string& target : best->second) {
        out.push_back(target + field.substr(best->first.size()));
      }
      return out;
    }
  }
  return {field};
}

bool LogSourceCatalog::routes(const LogSource& rule, const LogSource& event) const {
  if (logsource_within(event, rule)) return true;
  for (const LogSourceMapping& m : mappings_) {
    if (m.logsource != event) continue;
    for (const LogSource& implied : m.implies) {
      if (logsource_within(implied, rule)) return true;
    }
  }
  return false;
}

}  // namespace tripline::sigma
