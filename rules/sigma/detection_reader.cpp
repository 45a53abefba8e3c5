#include <algorithm>

#include "rules/sigma/reader_parts.h"

namespace tripline::sigma {
namespace {

Value make_value(const YAML::Node& node, const std::string& file) {
  Value v;
  v.mark = mark_at(node, file);
  if (!node.IsDefined() || node.IsNull()) {
    v.is_null = true;
    return v;
  }
  v.text = node.Scalar();
  v.quoted = node.Tag() == "!";
  return v;
}

void split_key(const std::string& key, FieldSpec& out) {
  size_t start = 0;
  size_t bar = key.find('|');
  out.field = key.substr(0, bar);
  while (bar != std::string::npos) {
    start = bar + 1;
    bar = key.find('|', start);
    out.modifiers.push_back(key.substr(start, bar == std::string::npos ? bar : bar - start));
  }
}

bool read_field_values(const YAML::Node& value, const std::string& file, Diagnostics& diags,
                       FieldSpec& out) {
  if (!value.IsDefined() || value.IsNull() || value.IsScalar()) {
    out.values.push_back(make_value(value, file));
    return true;
  }
  if (value.IsMap()) {
    error_at(diags, mark_at(value, file), "rules.value-type",
             "value of '" + out.field + "' must be a scalar or a list of scalars, not a mapping");
    return false;
  }
  out.values_listed = true;
  if (value.size() == 0) {
    error_at(diags, mark_at(value, file), "rules.empty-values",
             "value list of '" + out.field + "' is empty");
    return false;
  }
  for (const YAML::Node& item : value) {
    if (item.IsDefined() && !item.IsNull() && !item.IsScalar()) {
      error_at(diags, mark_at(item, file), "rules.value-type",
               "values of '" + out.field + "' must be scalars");
      return false;
    }
    out.values.push_back(make_value(item, file));
  }
  return true;
}

bool read_search_map(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                     SearchMap& out) {
  out.mark = mark_at(node, file);
  if (!check_duplicate_keys(node, "search identifier", file, diags)) return false;
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    FieldSpec spec;
    spec.mark = mark_at(it->first, file);
    if (!it->first.IsScalar()) {
      error_at(diags, spec.mark, "rules.field-name", "field names must be strings");
      ok = false;
      continue;
    }
    split_key(it->first.Scalar(), spec);
    if (!read_field_values(it->second, file, diags, spec)) {
      ok = false;
      continue;
    }
    out.fields.push_back(std::move(spec));
  }
  if (out.fields.empty() && ok) {
    error_at(diags, out.mark, "rules.empty-search", "search identifier mapping is empty");
    return false;
  }
  return ok;
}

bool read_identifier(const std::string& name, const YAML::Node& node, const SourceMark& mark,
                     const std::string& file, Diagnostics& diags, SearchIdentifier& out) {
  out.name = name;
  out.mark = mark;
  if (!node.IsDefined() || node.IsNull()) {
    error_at(diags, mark, "rules.empty-search", "search identifier '" + name + "' is empty");
    return false;
  }
  if (node.IsScalar()) {
    out.keywords.push_back(make_value(node, file));
    return true;
  }
  if (node.IsMap()) {
    SearchMap m;
    if (!read_search_map(node, file, diags, m)) return false;
    out.maps.push_back(std::move(m));
    return true;
  }
  out.is_list = true;
  if (node.size() == 0) {
    error_at(diags, mark, "rules.empty-search", "search identifier '" + name + "' is empty");
    return false;
  }
  bool ok = true;
  for (const YAML::Node& item : node) {
    if (item.IsMap()) {
      SearchMap m;
      if (read_search_map(item, file, diags, m)) {
        out.maps.push_back(std::move(m));
      } else {
        ok = false;
      }
    } else if (item.IsScalar()) {
      out.keywords.push_back(make_value(item, file));
    } else {
      error_at(diags, mark_at(item, file), "rules.value-type",
               "items of '" + name + "' must be keywords or field mappings");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

bool read_detection(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                    Detection& out, const std::vector<std::string>& skip) {
  out.mark = mark_at(node, file);
  if (!node.IsDefined() || node.IsNull()) {
    error_at(diags, out.mark, "rules.missing-detection", "detection is missing");
    return false;
  }
  if (!node.IsMap()) {
    error_at(diags, out.mark, "rules.type", "detection must be a mapping");
    return false;
  }
  if (!check_duplicate_keys(node, "detection", file, diags)) return false;
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const SourceMark key_mark = mark_at(it->first, file);
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    if (key == "condition") {
      const YAML::Node c = it->second;
      if (c.IsScalar()) {
        out.conditions.push_back({c.Scalar(), mark_at(c, file)});
      } else if (c.IsSequence() && c.size() > 0) {
        for (const YAML::Node& item : c) {
          if (!item.IsScalar()) {
            error_at(diags, mark_at(item, file), "rules.condition", "condition must be a string");
            ok = false;
            continue;
          }
          out.conditions.push_back({item.Scalar(), mark_at(item, file)});
        }
      } else {
        error_at(diags, mark_at(c, file), "rules.condition",
                 "condition must be a string or a list of strings");
        ok = false;
      }
      continue;
    }
    if (key == "timeframe") {
      warning_at(diags, key_mark, "rules.deprecated-timeframe",
                 "timeframe belongs to the removed aggregation syntax and is ignored; use a "
                 "correlation rule with timespan");
      continue;
    }
    SearchIdentifier id;
    if (read_identifier(key, it->second, key_mark, file, diags, id)) {
      out.identifiers.push_back(std::move(id));
    } else {
      ok = false;
    }
  }
  if (out.conditions.empty()) {
    error_at(diags, out.mark, "rules.missing-condition", "detection has no condition");
    ok = false;
  }
  return ok;
}

}  // namespace tripline::sigma
