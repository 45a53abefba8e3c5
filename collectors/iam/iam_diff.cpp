#include "collectors/iam/iam_diff.h"

#include <simdjson.h>

#include <algorithm>

#include "core/json_writer.h"

namespace tripline {
namespace {

using simdjson::dom::element;

// Canonical JSON: object keys sorted; arrays sorted by their canonical text, and a one-element
// array written as its element (IAM treats "Action":"x" and "Action":["x"] alike).
std::string canonical(element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::pair<std::string, std::string>> fields;
      for (auto [k, v] : e.get_object()) fields.emplace_back(std::string(k), canonical(v));
      std::sort(fields.begin(), fields.end());
      JsonWriter w;
      w.begin_object();
      for (const auto& [k, v] : fields) w.key(k).raw_json(v);
      w.end_object();
      return w.take();
    }
    case simdjson::dom::element_type::ARRAY: {
      std::vector<std::string> items;
      for (element v : e.get_array()) items.push_back(canonical(v));
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      if (items.size() == 1) return items[0];
      JsonWriter w;
      w.begin_array();
      for (const auto& v : items) w.raw_json(v);
      w.end_array();
      return w.take();
    }
    default:
      return simdjson::minify(e);
  }
}

// A policy document is an object, or (in some exports) that object as a JSON string.
bool document_of(element e, simdjson::dom::parser& scratch, element& out) {
  if (e.is_object()) {
    out = e;
    return true;
  }
  std::string_view text;
  if (e.get_string().get(text)) return false;
  return scratch.parse(std::string(text)).get(out) == simdjson::SUCCESS;
}

std::set<std::string> statements_of(element policy_document) {
  std::set<std::string> out;
  simdjson::dom::parser scratch;
  element doc;
  if (!document_of(policy_document, scratch, doc)) return out;
  element st;
  if (doc["Statement"].get(st)) return out;
  if (st.is_array()) {
    for (element s : st.get_array()) out.insert(canonical(s));
  } else {
    out.insert(canonical(st));
  }
  return out;
}

std::string str(element e, const char* key) {
  std::string_view v;
  return e[key].get_string().get(v) ? std::string() : std::string(v);
}

void add_inline(element item, const char* list_key, IamPrincipal& p) {
  simdjson::dom::array list;
  if (item[list_key].get_array().get(list)) return;
  for (element pol : list) {
    element doc;
    if (pol["PolicyDocument"].get(doc)) continue;
    p.inline_statements[str(pol, "PolicyName")] = statements_of(doc);
  }
}

void add_attached(element item, IamPrincipal& p) {
  simdjson::dom::array list;
  if (item["AttachedManagedPolicies"].get_array().get(list)) return;
  for (element pol : list) p.attached.insert(str(pol, "PolicyArn"));
}

// Principals an Allow statement of a trust policy admits.
void add_trust(element doc_elem, IamPrincipal& p) {
  simdjson::dom::parser scratch;
  element doc;
  if (!document_of(doc_elem, scratch, doc)) return;
  element st;
  if (doc["Statement"].get(st)) return;
  std::vector<element> statements;
  if (st.is_array()) {
    for (element s : st.get_array()) statements.push_back(s);
  } else {
    statements.push_back(st);
  }
  for (element s : statements) {
    if (str(s, "Effect") != "Allow") continue;
    element principal;
    if (s["Principal"].get(principal)) continue;
    std::string_view star;
    if (!principal.get_string().get(star)) {
      p.trust_principals.insert(std::string(star));
      continue;
    }
    if (!principal.is_object()) continue;
    for (auto [type, values] : principal.get_object()) {
      std::vector<std::string> list;
      if (values.is_array()) {
        for (element v : values.get_array()) {
          std::string_view t;
          if (!v.get_string().get(t)) list.emplace_back(t);
        }
      } else {
        std::string_view t;
        if (!values.get_string().get(t)) list.emplace_back(t);
      }
      for (const std::string& v : list) {
        p.trust_principals.insert(v == "*" ? "*" : std::string(type) + ":" + v);
      }
    }
  }
}

void add(std::vector<IamFinding>& out, std::string kind, std::string principal, std::string detail,
         std::string sev = "SEV2") {
  out.push_back({std::move(kind), std::move(principal), std::move(detail), std::move(sev)});
}

template <typename Set>
std::vector<std::string> added(const Set& before, const Set& after) {
  std::vector<std::string> out;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(out));
  return out;
}

void statement_findings(std::vector<IamFinding>& out, const std::string& principal,
                        const std::string& policy, const std::set<std::string>& before,
                        const std::set<std::string>& after) {
  for (const std::string& s : added(before, after)) {
    if (is_wildcard_statement(s)) {
      add(out, "wildcard_grant", principal, policy + ": " + s, "SEV1");
    } else {
      add(out, "statement_added", principal, policy + ": " + s);
    }
  }
}

}  // namespace

bool is_wildcard_statement(const std::string& s) {
  simdjson::dom::parser parser;
  element e;
  if (parser.parse(s).get(e) || !e.is_object()) return false;
  if (str(e, "Effect") != "Allow") return false;
  auto has_star = [&](const char* key) {
    element v;
    if (e[key].get(v)) return false;
    if (v.is_string()) return v.get_string().value() == "*";
    if (v.is_array()) {
      for (element x : v.get_array()) {
        std::string_view t;
        if (!x.get_string().get(t) && t == "*") return true;
      }
    }
    return false;
  };
  return has_star("Action") && has_star("Resource");
}

bool parse_iam_snapshot(std::string_view json, IamSnapshot& out, std::string& error) {
  out = {};
  simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(std::string(json)).get(root); err) {
    error = std::string("not JSON: ") + simdjson::error_message(err);
    return false;
  }
  if (!root.is_object() || (root["UserDetailList"].error() && root["RoleDetailList"].error() &&
                            root["GroupDetailList"].error() && root["Policies"].error())) {
    error = "not an `aws iam get-account-authorization-details` document";
    return false;
  }
  simdjson::dom::array list;
  if (!root["UserDetailList"].get_array().get(list)) {
    for (element u : list) {
      IamPrincipal p{"user", str(u, "UserName")};
      add_inline(u, "UserPolicyList", p);
      add_attached(u, p);
      simdjson::dom::array a;
      if (!u["GroupList"].get_array().get(a)) {
        for (element g : a) {
          std::string_view t;
          if (!g.get_string().get(t)) p.groups.emplace(t);
        }
      }
      if (!u["AccessKeyMetadata"].get_array().get(a)) {
        p.has_access_key_data = true;
        for (element k : a) p.access_keys.insert(str(k, "AccessKeyId"));
      }
      if (!u["MFADevices"].get_array().get(a)) {
        p.has_mfa_data = true;
        for (element d : a) p.mfa_devices.insert(str(d, "SerialNumber"));
      }
      out.principals["user/" + p.name] = std::move(p);
    }
  }
  if (!root["GroupDetailList"].get_array().get(list)) {
    for (element g : list) {
      IamPrincipal p{"group", str(g, "GroupName")};
      add_inline(g, "GroupPolicyList", p);
      add_attached(g, p);
      out.principals["group/" + p.name] = std::move(p);
    }
  }
  if (!root["RoleDetailList"].get_array().get(list)) {
    for (element r : list) {
      IamPrincipal p{"role", str(r, "RoleName")};
      add_inline(r, "RolePolicyList", p);
      add_attached(r, p);
      element trust;
      if (!r["AssumeRolePolicyDocument"].get(trust)) add_trust(trust, p);
      out.principals["role/" + p.name] = std::move(p);
    }
  }
  if (!root["Policies"].get_array().get(list)) {
    for (element pol : list) {
      const std::string default_version = str(pol, "DefaultVersionId");
      simdjson::dom::array versions;
      std::set<std::string> statements;
      if (!pol["PolicyVersionList"].get_array().get(versions)) {
        for (element v : versions) {
          bool is_default = false;
          const bool flagged = !v["IsDefaultVersion"].get_bool().get(is_default) && is_default;
          if (!flagged && str(v, "VersionId") != default_version) continue;
          element doc;
          if (!v["Document"].get(doc)) statements = statements_of(doc);
        }
      }
      out.managed_policies[str(pol, "Arn")] = std::move(statements);
    }
  }
  return true;
}

std::vector<IamFinding> diff_iam(const IamSnapshot& baseline, const IamSnapshot& snapshot) {
  std::vector<IamFinding> out;
  static const IamPrincipal kNone;
  for (const auto& [id, now] : snapshot.principals) {
    auto it = baseline.principals.find(id);
    const bool is_new = it == baseline.principals.end();
    const IamPrincipal& before = is_new ? kNone : it->second;
    if (is_new) add(out, "new_" + now.kind, id, now.name);
    for (const std::string& arn : added(before.attached, now.attached)) {
      const bool admin = arn.size() >= 28 && arn.ends_with(":policy/AdministratorAccess");
      add(out, "policy_attached", id, arn, admin ? "SEV1" : "SEV2");
    }
    for (const std::string& g : added(before.groups, now.groups)) add(out, "group_joined", id, g);
    for (const auto& [policy, statements] : now.inline_statements) {
      auto b = before.inline_statements.find(policy);
      if (b == before.inline_statements.end()) {
        add(out, "inline_policy_added", id, policy);
        statement_findings(out, id, policy, {}, statements);
      } else {
        statement_findings(out, id, policy, b->second, statements);
      }
    }
    if (now.has_access_key_data) {
      for (const std::string& k : added(before.access_keys, now.access_keys)) {
        add(out, "new_access_key", id, k);
      }
    }
    if (!is_new && before.has_mfa_data && now.has_mfa_data) {
      for (const std::string& d : added(now.mfa_devices, before.mfa_devices)) {
        add(out, "mfa_removed", id, d, "SEV1");
      }
    }
    for (const std::string& t : added(before.trust_principals, now.trust_principals)) {
      // A new role's ordinary trust (a service, its own account) is part of new_role.
      if (is_new && t != "*" && t != "AWS:*") continue;
      add(out, "trust_widened", id, t, t == "*" || t == "AWS:*" ? "SEV1" : "SEV2");
    }
  }
  for (const auto& [arn, statements] : snapshot.managed_policies) {
    auto it = baseline.managed_policies.find(arn);
    statement_findings(out, arn, "default version",
                       it == baseline.managed_policies.end() ? std::set<std::string>{} : it->second,
                       statements);
  }
  return out;
}

std::string IamFinding::to_json() const {
  JsonWriter w;
  w.begin_object().key("iam_drift").begin_object();
  w.key("kind").value(kind);
  w.key("principal").value(principal);
  w.key("detail").value(detail);
  w.key("sev").value(sev);
  w.end_object().end_object();
  return w.take();
}

}  // namespace tripline
