#include <cctype>

#include "core/alert.h"
#include "rules/sigma/reader_parts.h"

namespace tripline::sigma {
namespace {

const std::vector<std::string> kFilterKeys = {
    "title",  "id",   "name",     "taxonomy",  "status", "description", "author",
    "date",   "modified", "logsource", "filter", "level", "tags", "references", "falsepositives"};

const std::vector<std::string> kCorrelationKeys = {
    "title",    "id",          "name",   "taxonomy", "status",         "description",
    "author",   "references",  "date",   "modified", "correlation",    "falsepositives",
    "level",    "generate",    "tags",   "sev",      "runbook",        "throttle",
    "tests"};

bool read_refs(const YAML::Node& node, const std::string& what, const std::string& file,
               Diagnostics& diags, std::vector<RuleRef>& out) {
  if (node.IsScalar()) {
    out.push_back({node.Scalar(), mark_at(node, file)});
    return true;
  }
  if (!node.IsSequence() || node.size() == 0) {
    error_at(diags, mark_at(node, file), "rules.type",
             what + ".rules must be a non-empty list of rule ids or names");
    return false;
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      error_at(diags, mark_at(item, file), "rules.type", what + ".rules items must be strings");
      return false;
    }
    out.push_back({item.Scalar(), mark_at(item, file)});
  }
  return true;
}

// Sigma timespans: a number and one of s, m, h, d.
bool parse_timespan(const std::string& s, std::chrono::milliseconds& out) {
  if (s.size() < 2) return false;
  uint64_t n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    n = n * 10 + static_cast<uint64_t>(s[i] - '0');
    if (n > 100000000) return false;
  }
  const char unit = s.back();
  const uint64_t ms = unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000
                      : unit == 'd' ? 86400000 : 0;
  if (ms == 0 || n == 0) return false;
  out = std::chrono::milliseconds(n * ms);
  return true;
}

bool read_correlation_condition(const YAML::Node& node, const std::string& file,
                                Diagnostics& diags, Correlation& out) {
  YamlMap m(node, "correlation.condition", file, diags);
  if (!m.valid()) return false;
  for (const char* op : {"gt", "gte", "lt", "lte", "eq", "neq"}) {
    double v = 0;
    if (m.get(op, v)) out.condition.push_back({op, v});
  }
  m.get("field", out.condition_fields);
  m.finish();
  if (out.condition.empty()) {
    error_at(diags, mark_at(node, file), "rules.correlation",
             "correlation condition needs one of gt, gte, lt, lte, eq, neq");
    return false;
  }
  return true;
}

}  // namespace

bool read_filter(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                 Filter& out) {
  const size_t errors_before = diags.error_count();
  YamlMap m(doc, "filter rule", file, diags);
  read_header(m, doc, file, diags, out.header);
  YAML::Node ls = m.node("logsource");
  if (!ls.IsDefined() || ls.IsNull()) {
    error_at(diags, out.header.mark, "rules.missing-logsource", "filter has no logsource");
  } else {
    read_logsource(ls, file, diags, out.logsource);
  }
  YAML::Node body = m.node("filter");
  if (!body.IsMap()) {
    error_at(diags, mark_at(body, file), "rules.type",
             "filter must be a mapping with rules, search identifiers and condition");
  } else {
    YAML::Node rules = body["rules"];
    if (!rules.IsDefined() || rules.IsNull()) {
      error_at(diags, mark_at(body, file), "rules.filter", "filter.rules is missing");
    } else {
      read_refs(rules, "filter", file, diags, out.rules);
    }
    read_detection(body, file, diags, out.detection, {"rules"});
  }
  warn_unknown_keys(m, doc, kFilterKeys, "filter rule", file, diags);
  m.finish();
  return diags.error_count() == errors_before;
}

bool read_correlation(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                      Correlation& out) {
  const size_t errors_before = diags.error_count();
  YamlMap top(doc, "correlation rule", file, diags);
  read_header(top, doc, file, diags, out.header);
  top.get("generate", out.generate);
  YAML::Node body = top.node("correlation");
  out.mark = mark_at(body, file);
  {
    YamlMap m(body, "correlation", file, diags);
    if (m.valid()) {
      m.get_enum("type", out.type,
                 {"event_count", "value_count", "value_sum", "value_avg", "value_percentile",
                  "temporal", "temporal_ordered"},
                 true);
      if (YAML::Node r = m.node("rules"); r.IsDefined() && !r.IsNull()) {
        read_refs(r, "correlation", file, diags, out.rules);
      } else {
        m.error("", "rules.correlation", "correlation.rules is missing");
      }
      m.get("group-by", out.group_by);
      std::string timespan;
      if (m.get("timespan", timespan, true) && !parse_timespan(timespan, out.timespan)) {
        m.error("timespan", "rules.correlation",
                "timespan '" + timespan + "' must be a number and s, m, h or d (e.g. 5m)");
      }
      YAML::Node cond = m.node("condition");
      const bool needs_condition = out.type != "temporal" && out.type != "temporal_ordered";
      if (cond.IsDefined() && !cond.IsNull()) {
        read_correlation_condition(cond, file, diags, out);
      } else if (needs_condition && !out.type.empty()) {
        m.error("", "rules.correlation", out.type + " correlation needs a condition");
      }
      const bool needs_field = out.type.rfind("value_", 0) == 0;
      if (needs_field && !out.condition.empty() && out.condition_fields.empty()) {
        m.error("condition", "rules.correlation",
                out.type + " correlation needs condition.field");
      }
      if (YAML::Node a = m.node("aliases"); a.IsDefined() && !a.IsNull()) {
        YamlMap am(a, "correlation.aliases", file, diags);
        if (am.valid()) {
          for (auto it = a.begin(); it != a.end(); ++it) {
            Correlation::Alias alias;
            alias.name = it->first.Scalar();
            am.get_string_map(alias.name, alias.fields);
            out.aliases.push_back(std::move(alias));
          }
        }
      }
      m.finish();
    }
  }
  if (top.get("sev", out.sev)) {
    out.sev_mark = mark_at(doc["sev"], file);
    if (!parse_sev(out.sev)) {
      error_at(diags, out.sev_mark, "rules.sev", "sev must be one of SEV0..SEV4");
    }
  }
  top.get("runbook", out.runbook);
  if (YAML::Node n = top.node("throttle"); n.IsDefined() && !n.IsNull()) {
    read_throttle(n, file, diags, out.throttle);
  }
  if (YAML::Node n = top.node("tests"); n.IsDefined() && !n.IsNull()) {
    read_tests(n, file, diags, out.tests);
  }
  warn_unknown_keys(top, doc, kCorrelationKeys, "correlation rule", file, diags);
  top.finish();
  return diags.error_count() == errors_before;
}

bool read_mapping(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                  LogSourceMapping& out) {
  const size_t errors_before = diags.error_count();
  YamlMap top(doc, "logsource mapping", file, diags);
  YAML::Node body = top.node("logsource_mapping");
  top.finish();
  out.file = file;
  out.mark = mark_at(body, file);
  YamlMap m(body, "logsource_mapping", file, diags);
  if (!m.valid()) return false;
  LogSourceSpec ls;
  if (YAML::Node n = m.node("logsource"); n.IsDefined() && !n.IsNull()) {
    read_logsource(n, file, diags, ls);
    out.logsource = ls.logsource;
  } else {
    m.error("", "config.missing-key", "logsource_mapping: required key 'logsource' is missing");
  }
  m.get("taxonomy", out.taxonomy);
  if (YAML::Node n = m.node("implies"); n.IsDefined() && !n.IsNull()) {
    if (!n.IsSequence()) {
      m.error("implies", "config.type", "logsource_mapping.implies must be a list of logsources");
    } else {
      for (const YAML::Node& item : n) {
        LogSourceSpec implied;
        if (read_logsource(item, file, diags, implied)) out.implies.push_back(implied.logsource);
      }
    }
  }
  if (YAML::Node n = m.node("fields"); n.IsDefined() && !n.IsNull()) {
    YamlMap fm(n, "logsource_mapping.fields", file, diags);
    if (fm.valid()) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        std::vector<std::string> paths;
        if (fm.get(it->first.Scalar(), paths) && !paths.empty()) {
          out.fields.emplace_back(it->first.Scalar(), std::move(paths));
        }
      }
    }
  }
  if (YAML::Node n = m.node("prefixes"); n.IsDefined() && !n.IsNull()) {
    YamlMap pm(n, "logsource_mapping.prefixes", file, diags);
    if (pm.valid()) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        std::vector<std::string> targets;
        if (pm.get(it->first.Scalar(), targets) && !targets.empty()) {
          out.prefixes.emplace_back(it->first.Scalar(), std::move(targets));
        }
      }
    }
  }
  m.finish();
  return diags.error_count() == errors_before;
}

}  // namespace tripline::sigma
