#include "collectors/parsers/pam_message.h"

#include <cctype>

#include "collectors/parsers/net_address.h"
#include "collectors/parsers/pam_fast_match.h"
#include "collectors/parsers/re2_match.h"

namespace tripline {
namespace {

struct PamPatterns {
  // Both usually take pam_fast_match.h's exact fast path.
  RE2 auth_failure{kPamAuthFailurePattern, line_pattern_options()};
  RE2 more_failures{kPamMoreFailuresPattern, line_pattern_options()};
  RE2 max_retries{R"(PAM service\(([^)]*)\) ignoring max retries; (\d+) > (\d+)\s*)",
                  line_pattern_options()};
  RE2 session_opened{R"(session opened for user (.+?)(?:\(uid=(\d+)\))? by .*)",
                     line_pattern_options()};
  RE2 session_closed{R"(session closed for user (.+?)\s*)", line_pattern_options()};
};

const PamPatterns& patterns() {
  static const PamPatterns p;
  return p;
}

// Splits "pam_unix(sshd:auth): rest", "pam_unix: rest" or "(pam_unix) rest" into module,
// service and rest. Messages without a module prefix are left whole.
struct ModulePrefix {
  std::string_view module;
  std::string_view service;
  std::string_view rest;
};

ModulePrefix split_module_prefix(std::string_view m) {
  ModulePrefix out{{}, {}, m};
  if (m.starts_with("(pam_")) {
    const size_t close = m.find(") ");
    if (close != std::string_view::npos &&
        m.substr(1, close - 1).find(' ') == std::string_view::npos) {
      out.module = m.substr(1, close - 1);
      out.rest = m.substr(close + 2);
    }
    return out;
  }
  if (!m.starts_with("pam_")) return out;
  size_t i = 4;
  while (i < m.size() && (std::isalnum(static_cast<unsigned char>(m[i])) || m[i] == '_')) ++i;
  const std::string_view module = m.substr(0, i);
  std::string_view service;
  if (i < m.size() && m[i] == '(') {
    const size_t close = m.find(')', i);
    if (close == std::string_view::npos) return out;
    service = m.substr(i + 1, close - i - 1);
    i = close + 1;
  }
  if (m.substr(i, 2) != ": ") return out;
  // "sshd:auth" names the PAM service and the management group; keep the service.
  const size_t colon = service.find(':');
  if (colon != std::string_view::npos) service = service.substr(0, colon);
  out.module = module;
  out.service = service;
  out.rest = m.substr(i + 2);
  return out;
}

void set_user(Event& event, std::string_view user, std::string_view ruser) {
  if (!user.empty()) {
    event.set_field_text("user.name", user);
  } else if (!ruser.empty()) {
    event.set_field_text("user.name", ruser);
  }
  if (!ruser.empty()) event.set_field_text("pam.ruser", ruser);
}

void set_common(Event& event, const ModulePrefix& prefix, const char* action, const char* outcome) {
  event.set_field_text("event.action", action);
  if (outcome) event.set_field_text("event.outcome", outcome);
  if (!prefix.module.empty()) event.set_field_text("pam.module", prefix.module);
  if (!prefix.service.empty()) event.set_field_text("pam.service", prefix.service);
}

}  // namespace

bool parse_pam_message(std::string_view message, Event& event) {
  const PamPatterns& p = patterns();
  const ModulePrefix prefix = split_module_prefix(message);
  const std::string_view m = prefix.rest;
  ReGroups<6> g;
  if (m.starts_with("authentication failure; ") &&
      g.full_match(p.auth_failure, m, fast_match_pam_auth_failure)) {
    set_common(event, prefix, "pam_auth_failure", "failure");
    set_user(event, g[5], g[3]);
    if (!g[4].empty()) set_source_address(event, g[4]);
    return true;
  }
  if (m.starts_with("check pass; user unknown")) {
    set_common(event, prefix, "pam_user_unknown", "failure");
    return true;
  }
  if (m.starts_with("PAM ") && g.full_match(p.more_failures, m, fast_match_pam_more_failures)) {
    set_common(event, prefix, "pam_more_failures", "failure");
    set_number_field(event, "pam.failures", g[1]);
    set_user(event, g[6], g[4]);
    if (!g[5].empty()) set_source_address(event, g[5]);
    return true;
  }
  if (m.starts_with("PAM service(") && g.full_match(p.max_retries, m)) {
    set_common(event, prefix, "pam_max_retries", "failure");
    if (prefix.service.empty()) event.set_field_text("pam.service", g[1]);
    set_number_field(event, "pam.failures", g[2]);
    return true;
  }
  if (m.starts_with("session opened for user ") && g.full_match(p.session_opened, m)) {
    set_common(event, prefix, "session_opened", "success");
    event.set_field_text("user.name", g[1]);
    if (g.matched(2)) set_number_field(event, "user.id", g[2]);
    return true;
  }
  if (m.starts_with("session closed for user ") && g.full_match(p.session_closed, m)) {
    set_common(event, prefix, "session_closed", nullptr);
    event.set_field_text("user.name", g[1]);
    return true;
  }
  return false;
}

}  // namespace tripline
