#include "rules/severity/change_approval.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/time_util.h"

namespace tripline {
namespace {

std::vector<FieldPath> paths_of(const std::vector<std::string>& names) {
  std::vector<FieldPath> out;
  for (const std::string& n : names) out.emplace_back(n);
  return out;
}

bool ticket_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

bool read_time(YamlMap& m, const std::string& key, std::optional<TimePoint>& out) {
  std::string text;
  if (!m.get(key, text)) return false;
  out = parse_rfc3339(text);
  if (!out) m.error(key, "config.type", "'" + text + "' is not an RFC 3339 time");
  return out.has_value();
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool contains_token(std::string_view text, std::string_view token) {
  if (token.empty()) return false;
  for (size_t at = text.find(token); at != std::string_view::npos; at = text.find(token, at + 1)) {
    const bool left = at == 0 || !ticket_char(text[at - 1]);
    const size_t after = at + token.size();
    const bool right = after == text.size() || !ticket_char(text[after]);
    if (left && right) return true;
  }
  return false;
}

ChangeApprovals::ChangeApprovals()
    : principal_fields_(paths_of({"userIdentity.arn"})),
      account_fields_(paths_of({"recipientAccountId", "userIdentity.accountId"})),
      ticket_fields_(paths_of({"userIdentity.sessionContext.sourceIdentity", "userIdentity.arn",
                               "requestParameters.tags"})) {
  select_.tags = {"tripline.iam-mutation"};
}

ChangeApprovals ChangeApprovals::read(const YAML::Node& node, const std::string& file,
                                      Diagnostics& diags) {
  ChangeApprovals c;
  if (!node.IsDefined() || node.IsNull()) return c;
  YamlMap m(node, "rules.severity.changes", file, diags);
  if (!m.valid()) return c;
  if (YAML::Node sel = m.node("select"); sel.IsDefined() && !sel.IsNull()) {
    YamlMap sm(sel, "rules.severity.changes.select", file, diags);
    if (sm.valid()) {
      RuleSelector s;
      s.read(sm);
      if (s.empty()) {
        sm.error("", "config.missing-key", "changes.select needs rule or tag");
      } else {
        c.select_ = std::move(s);
      }
      sm.finish();
    }
  }
  std::vector<std::string> names;
  if (m.get("principal_fields", names)) c.principal_fields_ = paths_of(names);
  if (m.get("account_fields", names)) c.account_fields_ = paths_of(names);
  if (m.get("ticket_fields", names)) c.ticket_fields_ = paths_of(names);
  YAML::Node list = m.node("approved");
  if (list.IsDefined() && !list.IsNull() && !list.IsSequence()) {
    m.error("approved", "config.type", "rules.severity.changes.approved must be a list");
  } else if (list.IsDefined()) {
    std::set<std::string> ids;
    for (const YAML::Node& item : list) {
      YamlMap cm(item, "rules.severity.changes.approved[]", file, diags);
      if (!cm.valid()) continue;
      ApprovedChange a;
      a.mark = cm.mark();
      bool ok = cm.get("id", a.id, true);
      if (ok && !ids.insert(a.id).second) {
        cm.error("id", "config.duplicate", "approved change '" + a.id + "' is listed twice");
        ok = false;
      }
      const bool has_start = cm.has("start"), has_end = cm.has("end");
      ok = (!has_start || read_time(cm, "start", a.start)) && ok;
      ok = (!has_end || read_time(cm, "end", a.end)) && ok;
      cm.get("principals", a.principals);
      cm.get("accounts", a.accounts);
      cm.get("ticket", a.ticket);
      a.select.read(cm);
      if (has_start != has_end) {
        cm.error(has_start ? "start" : "end", "config.missing-key",
                 "an approved change window needs both start and end");
        ok = false;
      } else if (a.start && a.end && *a.end <= *a.start) {
        cm.error("end", "config.type", "an approved change must end after it starts");
        ok = false;
      }
      if (!has_start && a.ticket.empty()) {
        cm.error("", "config.missing-key",
                 "an approved change needs a window (start, end), a ticket, or both");
        ok = false;
      }
      cm.finish();
      if (ok) c.changes_.push_back(std::move(a));
    }
  }
  m.finish();
  return c;
}

bool ChangeApprovals::selects(std::string_view id, std::string_view name,
                              const std::vector<std::string>& tags) const {
  return !changes_.empty() && select_.matches(id, name, tags);
}

bool ChangeApprovals::any_field_matches(const std::vector<FieldPath>& fields,
                                        const std::vector<std::string>& patterns,
                                        const FieldLookup& field, bool token) const {
  for (const FieldPath& f : fields) {
    const std::string_view value = field(f);
    if (value.empty()) continue;
    for (const std::string& p : patterns) {
      if (token ? contains_token(value, p) : wildcard_match(p, value)) return true;
    }
  }
  return false;
}

const ApprovedChange* ChangeApprovals::find(std::string_view id, std::string_view name,
                                            const std::vector<std::string>& tags, TimePoint time,
                                            const FieldLookup& field) const {
  for (const ApprovedChange& c : changes_) {
    if (c.start && (time < *c.start || time >= *c.end)) continue;
    if (!c.select.empty() && !c.select.matches(id, name, tags)) continue;
    if (!c.principals.empty() &&
        !any_field_matches(principal_fields_, c.principals, field, false)) {
      continue;
    }
    if (!c.accounts.empty() && !any_field_matches(account_fields_, c.accounts, field, false)) {
      continue;
    }
    if (!c.ticket.empty() && !any_field_matches(ticket_fields_, {c.ticket}, field, true)) continue;
    return &c;
  }
  return nullptr;
}

}  // namespace tripline
