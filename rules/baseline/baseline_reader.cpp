#include "rules/baseline/baseline_reader.h"

#include "rules/sigma/reader_parts.h"

namespace tripline::baseline {
namespace {

using sigma::mark_at;

const std::vector<std::string> kTopKeys = {
    "title",  "id",   "name",     "taxonomy",   "status",   "description",
    "author", "date", "modified", "references", "baseline", "falsepositives",
    "level",  "tags", "generate", "sev",        "runbook",  "tests"};

bool read_refs(YamlMap& m, const YAML::Node& node, const std::string& key, const std::string& file,
               std::vector<sigma::RuleRef>& out) {
  if (node.IsScalar()) {
    out.push_back({node.Scalar(), mark_at(node, file)});
    return true;
  }
  if (!node.IsSequence() || node.size() == 0) {
    m.error(key, "rules.baseline", "baseline." + key + " must be a rule id or name, or a list");
    return false;
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      m.error(key, "rules.baseline", "baseline." + key + " items must be rule ids or names");
      return false;
    }
    out.push_back({item.Scalar(), mark_at(item, file)});
  }
  return true;
}

// A positive duration (required).
void read_window(YamlMap& m, const char* key, std::chrono::milliseconds& out) {
  if (m.get_duration(key, out, true) && out.count() <= 0) {
    m.error(key, "rules.baseline", std::string(key) + " must be a positive duration");
  }
}

void read_rate_spike(YamlMap& m, sigma::Baseline& out) {
  read_window(m, "window", out.window);
  out.warmup = 12;
  out.factor = 3;
  out.min_count = 10;
  m.get("warmup", out.warmup);
  if (m.get("factor", out.factor) && out.factor < 1) {
    m.error("factor", "rules.baseline", "factor must be at least 1 (times the baseline)");
  }
  if (m.get("min_count", out.min_count) && out.min_count == 0) {
    m.error("min_count", "rules.baseline", "min_count must be at least 1");
  }
  // Default smoothing: an EWMA whose memory is about the warm-up length.
  out.alpha = 2.0 / (static_cast<double>(std::max<uint64_t>(out.warmup, 1)) + 1.0);
  if (m.get("alpha", out.alpha) && (out.alpha <= 0 || out.alpha > 1)) {
    m.error("alpha", "rules.baseline", "alpha must be in (0, 1]");
  }
}

void read_first_seen(YamlMap& m, sigma::Baseline& out) {
  if (!m.get("field", out.fields, true)) return;
  if (out.fields.empty()) m.error("field", "rules.baseline", "first_seen needs a field");
  out.learning = std::chrono::hours(24 * 7);
  if (m.get_duration("learning", out.learning) && out.learning.count() < 0) {
    m.error("learning", "rules.baseline", "learning must not be negative");
  }
}

void read_ratio(YamlMap& m, const std::string& file, sigma::Baseline& out) {
  read_window(m, "window", out.window);
  if (YAML::Node n = m.node("numerator"); n.IsDefined() && n.IsScalar()) {
    out.numerator = sigma::RuleRef{n.Scalar(), mark_at(n, file)};
  } else if (n.IsDefined()) {
    m.error("numerator", "rules.baseline", "numerator must be one rule id or name");
  } else {
    m.error("", "rules.baseline",
            "a ratio baseline needs numerator: the rule whose share of `rules` is measured");
  }
  if (m.get("threshold", out.threshold, true) && (out.threshold <= 0 || out.threshold >= 1)) {
    m.error("threshold", "rules.baseline", "threshold is a share between 0 and 1 (0.5 = 50%)");
  }
  out.min_total = 1;
  if (m.get("min_total", out.min_total) && out.min_total == 0) {
    m.error("min_total", "rules.baseline", "min_total must be at least 1");
  }
}

}  // namespace

bool read_baseline(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                   sigma::Baseline& out) {
  const size_t errors_before = diags.error_count();
  YamlMap top(doc, "baseline rule", file, diags);
  sigma::read_header(top, doc, file, diags, out.header);
  top.get("generate", out.generate);
  top.get("runbook", out.runbook);
  if (top.get("sev", out.sev)) out.sev_mark = top.mark_of("sev");
  if (YAML::Node t = top.node("tests"); t.IsDefined() && !t.IsNull()) {
    sigma::read_tests(t, file, diags, out.tests);
  }
  YAML::Node body = top.node("baseline");
  out.mark = mark_at(body, file);
  {
    YamlMap m(body, "baseline", file, diags);
    if (m.valid()) {
      m.get_enum("type", out.type, {"rate_spike", "first_seen", "ratio"}, true);
      if (YAML::Node r = m.node("rules"); r.IsDefined() && !r.IsNull()) {
        read_refs(m, r, "rules", file, out.rules);
      } else {
        m.error("", "rules.baseline", "baseline.rules is missing");
      }
      m.get("group-by", out.group_by);
      if (m.get("max_keys", out.max_keys) && out.max_keys == 0) {
        m.error("max_keys", "rules.baseline", "max_keys must be at least 1");
      }
      if (out.type == "rate_spike") read_rate_spike(m, out);
      if (out.type == "first_seen") read_first_seen(m, out);
      if (out.type == "ratio") read_ratio(m, file, out);
      m.finish();
    }
  }
  sigma::warn_unknown_keys(top, doc, kTopKeys, "baseline rule", file, diags);
  top.finish();
  return diags.error_count() == errors_before;
}

}  // namespace tripline::baseline
