#include "rules/sigma/yaml_reader.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "core/alert.h"
#include "rules/baseline/baseline_reader.h"
#include "rules/sigma/reader_parts.h"

namespace tripline::sigma {
namespace {

const std::vector<std::string> kRuleKeys = {
    "title", "id", "name", "related", "taxonomy", "status", "description", "license", "author",
    "references", "date", "modified", "logsource", "detection", "fields", "falsepositives",
    "level", "tags", "scope",
    // Tripline extensions
    "sev", "tests", "runbook", "throttle"};

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const int month = std::stoi(s.substr(5, 2));
  const int day = std::stoi(s.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_tag(const std::string& s) {
  const size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    (c == '.' && i > dot);
    if (!ok && i != dot) return false;
  }
  return true;
}


void read_related(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                  std::vector<RelatedRule>& out) {
  if (!node.IsSequence()) {
    error_at(diags, mark_at(node, file), "rules.type", "related must be a list of {id, type}");
    return;
  }
  for (const YAML::Node& item : node) {
    YamlMap m(item, "related", file, diags);
    RelatedRule r;
    m.get("id", r.id, true);
    if (m.get_enum("type", r.type, {"derived", "obsolete", "merged", "renamed", "similar"}, true)) {
      out.push_back(r);
    }
  }
}

bool read_rule(const YAML::Node& doc, const std::string& file, Diagnostics& diags, Rule& out) {
  const size_t errors_before = diags.error_count();
  YamlMap m(doc, "rule", file, diags);
  read_header(m, doc, file, diags, out.header);
  if (YAML::Node n = m.node("related"); n.IsDefined() && !n.IsNull()) {
    read_related(n, file, diags, out.related);
  }
  m.get("license", out.license);
  m.get("fields", out.fields);
  m.get("scope", out.scope);
  YAML::Node ls = m.node("logsource");
  if (!ls.IsDefined() || ls.IsNull()) {
    error_at(diags, out.header.mark, "rules.missing-logsource", "rule has no logsource");
  } else {
    read_logsource(ls, file, diags, out.logsource);
  }
  read_detection(m.node("detection"), file, diags, out.detection);
  if (m.get("sev", out.sev)) {
    out.sev_mark = mark_at(doc["sev"], file);
    if (!parse_sev(out.sev)) {
      error_at(diags, out.sev_mark, "rules.sev", "sev must be one of SEV0..SEV4");
    }
  }
  m.get("runbook", out.runbook);
  if (YAML::Node n = m.node("throttle"); n.IsDefined() && !n.IsNull()) {
    read_throttle(n, file, diags, out.throttle);
  }
  if (YAML::Node n = m.node("tests"); n.IsDefined() && !n.IsNull()) {
    read_tests(n, file, diags, out.tests);
  }
  warn_unknown_keys(m, doc, kRuleKeys, "rule", file, diags);
  m.finish();
  return diags.error_count() == errors_before;
}

void read_document(const YAML::Node& doc, const std::string& file, DocumentSet& out,
                   Diagnostics& diags) {
  if (!doc.IsDefined() || doc.IsNull()) return;  // empty document (e.g. a trailing ---)
  const SourceMark mark = mark_at(doc, file);
  if (!doc.IsMap()) {
    error_at(diags, mark, "rules.document", "a rule document must be a mapping");
    return;
  }
  if (!check_duplicate_keys(doc, "document", file, diags)) return;
  if (doc["action"].IsDefined()) {
    error_at(diags, mark_at(doc["action"], file), "rules.collection",
             "Sigma 1.0 rule collections (action: global/reset/repeat) are not supported: "
             "write each rule as its own document");
    return;
  }
  if (doc["logsource_mapping"].IsDefined()) {
    LogSourceMapping mapping;
    if (read_mapping(doc, file, diags, mapping)) out.mappings.push_back(std::move(mapping));
  } else if (doc["correlation"].IsDefined()) {
    Correlation c;
    if (read_correlation(doc, file, diags, c)) out.correlations.push_back(std::move(c));
  } else if (doc["baseline"].IsDefined() && !doc["detection"].IsDefined()) {
    Baseline b;
    if (baseline::read_baseline(doc, file, diags, b)) out.baselines.push_back(std::move(b));
  } else if (doc["filter"].IsDefined() && !doc["detection"].IsDefined()) {
    Filter f;
    if (read_filter(doc, file, diags, f)) out.filters.push_back(std::move(f));
  } else if (doc["detection"].IsDefined()) {
    Rule r;
    if (read_rule(doc, file, diags, r)) out.rules.push_back(std::move(r));
  } else {
    error_at(diags, mark, "rules.document",
             "document is neither a rule (detection), a filter (filter), a correlation rule "
             "(correlation), a baseline (baseline) nor a logsource mapping (logsource_mapping)");
  }
}

}  // namespace

void read_throttle(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                   std::optional<Throttle>& out) {
  Throttle t;
  t.mark = mark_at(node, file);
  if (node.IsScalar()) {
    if (!YamlMap::parse_duration(node.Scalar(), t.window) || t.window.count() <= 0) {
      error_at(diags, t.mark, "rules.throttle", "throttle must be a duration such as 10m");
      return;
    }
    out = t;
    return;
  }
  YamlMap m(node, "throttle", file, diags);
  if (!m.valid()) return;
  if (!m.get_duration("window", t.window, true)) return;
  if (t.window.count() <= 0) {
    m.error("window", "rules.throttle", "throttle.window must be positive");
    return;
  }
  if (m.get("max_alerts", t.max_alerts) && t.max_alerts == 0) {
    m.error("max_alerts", "rules.throttle", "throttle.max_alerts must be at least 1");
    return;
  }
  out = t;
}

bool check_duplicate_keys(const YAML::Node& map, const std::string& what, const std::string& file,
                          Diagnostics& diags) {
  std::set<std::string> seen;
  bool ok = true;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    if (!seen.insert(it->first.Scalar()).second) {
      error_at(diags, mark_at(it->first, file), "rules.duplicate-key",
               what + ": key '" + it->first.Scalar() + "' is written twice");
      ok = false;
    }
  }
  return ok;
}

void warn_unknown_keys(YamlMap& m, const YAML::Node& node, const std::vector<std::string>& known,
                       const std::string& what, const std::string& file, Diagnostics& diags) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    warning_at(diags, mark_at(it->first, file), "rules.unknown-key",
               what + ": unknown key '" + key + "' ignored");
    m.allow({key});
  }
}

void read_header(YamlMap& m, const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                 DocumentHeader& out) {
  out.file = file;
  out.mark = mark_at(doc, file);
  if (m.get("title", out.title, true) && out.title.size() > 256) {
    warning_at(diags, m.mark_of("title"), "rules.title", "title is longer than 256 characters");
  }
  if (m.get("id", out.id)) {
    out.id_mark = mark_at(doc["id"], file);
    if (!is_uuid(out.id)) {
      warning_at(diags, out.id_mark, "rules.id-format", "id '" + out.id + "' is not a UUID");
    }
  }
  m.get("name", out.name);
  m.get("taxonomy", out.taxonomy);
  if (m.get("status", out.status)) {
    static const std::set<std::string> kStatus = {"stable", "test", "experimental", "deprecated",
                                                  "unsupported"};
    if (!kStatus.count(out.status)) {
      warning_at(diags, mark_at(doc["status"], file), "rules.status",
                 "status '" + out.status +
                     "' is not one of stable, test, experimental, deprecated, unsupported");
    }
  }
  m.get("description", out.description);
  m.get("author", out.author);
  for (auto [key, value] : {std::pair{"date", &out.date}, std::pair{"modified", &out.modified}}) {
    if (m.get(key, *value) && !is_date(*value)) {
      warning_at(diags, mark_at(doc[key], file), "rules.date",
                 std::string(key) + " '" + *value + "' is not a YYYY-MM-DD date");
    }
  }
  if (m.get("level", out.level)) {
    out.level_mark = mark_at(doc["level"], file);
    static const std::set<std::string> kLevels = {"informational", "low", "medium", "high",
                                                  "critical"};
    if (!kLevels.count(out.level)) {
      error_at(diags, out.level_mark, "rules.level",
               "level '" + out.level +
                   "' is not one of informational, low, medium, high, critical");
    }
  }
  if (m.get("tags", out.tags)) {
    for (const std::string& t : out.tags) {
      if (!is_tag(t)) {
        warning_at(diags, m.mark_of("tags"), "rules.tag",
                   "tag '" + t + "' is not namespace.value in lower case");
      }
    }
  }
  m.get("references", out.references);
  m.get("falsepositives", out.falsepositives);
}

bool read_logsource(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                    LogSourceSpec& out) {
  out.mark = mark_at(node, file);
  if (node.IsScalar()) {
    std::stringstream ss(node.Scalar());
    std::getline(ss, out.logsource.product, '/');
    std::getline(ss, out.logsource.service, '/');
    std::getline(ss, out.logsource.category, '/');
    return true;
  }
  const size_t errors_before = diags.error_count();
  YamlMap m(node, "logsource", file, diags);
  if (!m.valid()) return false;
  m.get("product", out.logsource.product);
  m.get("service", out.logsource.service);
  m.get("category", out.logsource.category);
  std::string definition;
  m.get("definition", definition);
  // Sigma allows further descriptive keys in logsource; they do not select events.
  for (auto it = node.begin(); it != node.end(); ++it) m.allow({it->first.Scalar()});
  m.finish();
  return diags.error_count() == errors_before;
}

namespace {

// Debian 12's yaml-cpp 0.7 loops for ever in LoadAll on some malformed streams ("," alone), each
// turn adding a null document until memory runs out (upstream jbeder/yaml-cpp#1319, the bug
// behind falcosecurity/falco#3281; found here by fuzz_sigma_rule). A dry run through the public
// event API counts documents without keeping them: a stream cannot hold more documents than it
// has bytes (plus the one implicit empty document), so more means the parser is not advancing.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

bool parser_advances(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  for (size_t documents = 0; parser.HandleNextDocument(counter);) {
    if (++documents > text.size() + 1) return false;
  }
  return true;
}

}  // namespace

void read_text(const std::string& text, const std::string& file, DocumentSet& out,
               Diagnostics& diags) {
  std::vector<YAML::Node> docs;
  try {
    if (!parser_advances(text)) {
      diags.error("rules.yaml", file, 0, 0,
                  "not a YAML stream the parser can read (it stops advancing)");
      return;
    }
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    diags.error("rules.yaml", file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                e.mark.column >= 0 ? e.mark.column + 1 : 0, e.msg);
    return;
  }
  ++out.files;
  for (const YAML::Node& doc : docs) {
    try {
      read_document(doc, file, out, diags);
    } catch (const YAML::Exception& e) {
      diags.error("rules.yaml", file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                  e.mark.column >= 0 ? e.mark.column + 1 : 0, e.msg);
    }
  }
}

void read_file(const std::string& path, DocumentSet& out, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("rules.io", path, 0, 0, "cannot read rule file");
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  read_text(ss.str(), path, out, diags);
}

}  // namespace tripline::sigma
