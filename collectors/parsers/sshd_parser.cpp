#include "collectors/parsers/sshd_parser.h"

#include <string>

#include "collectors/parsers/net_address.h"
#include "collectors/parsers/pam_message.h"
#include "collectors/parsers/re2_match.h"
#include "collectors/parsers/sshd_fast_match.h"

namespace tripline {
namespace {

// Where a user name sits between fixed words and the peer address, it is matched lazily when the
// message continues after the address and greedily when the address ends the message. Either way
// the address is the one sshd wrote, not one an attacker put in the name they typed: sshd logs
// names as sent ("Failed password for invalid user x from 10.0.0.1 port 1 ssh2 from <real> ...").
struct SshdPatterns {
  // Failed, Accepted, Invalid user and maximum-attempts lines usually take sshd_fast_match.h's
  // exact fast path.
  RE2 failed{kSshdFailedPattern, line_pattern_options()};
  RE2 accepted{kSshdAcceptedPattern, line_pattern_options()};
  RE2 postponed{R"(Postponed (\S+) for (invalid user )?(.*?) from (\S+) port (\d+)(?: (ssh\d?))?)",
                line_pattern_options()};
  RE2 invalid_user{kSshdInvalidUserPattern, line_pattern_options()};
  RE2 userauth_request{R"(input_userauth_request: (?:invalid|illegal) user (.*))",
                       line_pattern_options()};
  RE2 user_not_allowed_from{R"(User (.*?) from (\S+) not allowed because (.+))",
                            line_pattern_options()};
  RE2 user_not_allowed{R"(User (.*?) not allowed because (.+))", line_pattern_options()};
  RE2 root_refused{R"(ROOT LOGIN REFUSED FROM (\S+)(?: port (\d+))?)", line_pattern_options()};
  RE2 refused_connect{R"(refused connect from (\S+)(?: \((\S+)\))?)", line_pattern_options()};
  RE2 pam_failure{R"(PAM: (?:[Aa]uthentication (?:failure|error)|(User not known to the )"
                  R"(underlying authentication module)) for (illegal user |invalid user )?(.*?) )"
                  R"(from (\S+)(?: via (\S+))?\s*)",
                  line_pattern_options()};
  RE2 max_attempts{kSshdMaxAttemptsPattern, line_pattern_options()};
  RE2 too_many{R"(Disconnecting: Too many authentication failures(?: for (invalid user )?(.*?))?)",
               line_pattern_options()};
  RE2 disconnecting{R"(Disconnecting (authenticating user|invalid user|user) (.*?) (\S+) )"
                    R"(port (\d+): (.*))",
                    line_pattern_options()};
  // "<what> [authenticating user|invalid user|user NAME ]ADDR port N": the name may hold spaces
  // and addresses, so the address is the last token before the final " port N".
  RE2 disconnected_user{"Disconnected from " + std::string(kSshdUserEndingPattern),
                        line_pattern_options()};
  RE2 disconnected{R"(Disconnected from (\S+)(?: port (\d+))?)", line_pattern_options()};
  RE2 closed_user{"Connection closed by " + std::string(kSshdUserEndingPattern),
                  line_pattern_options()};
  RE2 closed{R"(Connection closed by (\S+)(?: port (\d+))?)", line_pattern_options()};
  RE2 reset_user{"Connection reset by " + std::string(kSshdUserEndingPattern),
                 line_pattern_options()};
  RE2 reset{R"(Connection reset by (\S+)(?: port (\d+))?)", line_pattern_options()};
  RE2 received_disconnect{kSshdReceivedDisconnectPattern, line_pattern_options()};
  RE2 no_identification{R"(Did not receive identification string from (\S+)(?: port (\d+))?)",
                        line_pattern_options()};
  // Greedy: the identification string is the client's and may itself hold "' from x".
  RE2 bad_protocol{R"(Bad protocol version identification '(.*)' from (\S+)(?: port (\d+))?)",
                   line_pattern_options()};
  RE2 negotiate{R"(Unable to negotiate with (\S+) port (\d+): (.*))", line_pattern_options()};
  RE2 banner{R"(banner exchange: Connection from (\S+) port (\d+): (.*))", line_pattern_options()};
  RE2 dispatch_fatal{R"(ssh_dispatch_run_fatal: Connection from (?:(authenticating user|)"
                     R"(invalid user|user) (.*) )?(\S+) port (\d+): (.*))",
                     line_pattern_options()};
  RE2 auth_timeout{R"(Timeout before authentication for (?:connection from )?(\S+))"
                   R"((?: port (\d+))?(?: to \S+, pid = \d+)?)",
                   line_pattern_options()};
  RE2 connection_from_on{R"(Connection from (\S+) port (\d+) on (\S+) port (\d+)(?: rdomain .*)?)",
                         line_pattern_options()};
  RE2 connection_from{R"(Connection from (\S+)(?: port (\d+))?)", line_pattern_options()};
  RE2 read_error{R"(Read error from remote host (\S+) port (\d+): (.*))", line_pattern_options()};
  RE2 reverse_mapping{R"(reverse mapping checking getaddrinfo for (\S+) \[(\S+)\] failed.*)",
                      line_pattern_options()};
  RE2 address_maps{R"(Address (\S+) maps to (\S+), but this does not map back to the address.*)",
                   line_pattern_options()};
  RE2 listening{R"(Server listening on (\S+) port (\d+)\.?)", line_pattern_options()};
  RE2 key_info{kSshdKeyInfoPattern, line_pattern_options()};
};

const SshdPatterns& patterns() {
  static const SshdPatterns p;
  return p;
}

// One message with the decorations sshd and syslog daemons add around it removed.
struct Message {
  std::string_view text;
  std::string_view level;  // "error", "fatal", "debug1", ... when sshd wrote the prefix
  bool preauth = false;
};

bool consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// "kernel:[  970.699396]: " / "kernel: [  970.699397] ": a kernel-timestamp prefix some journald
// forwarders put before the message.
bool consume_kernel_stamp(std::string_view& s) {
  std::string_view t = s;
  if (!consume(t, "kernel:")) return false;
  consume(t, " ");
  if (!consume(t, "[")) return false;
  const size_t close = t.find(']');
  if (close == std::string_view::npos || close > 20) return false;
  t.remove_prefix(close + 1);
  consume(t, ":");
  if (!consume(t, " ")) return false;
  s = t;
  return true;
}

Message strip_decorations(std::string_view s) {
  Message m;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  if (s.ends_with(" [preauth]")) {
    m.preauth = true;
    s.remove_suffix(10);
  }
  for (bool again = true; again;) {
    again = false;
    // Solaris: "[ID 800047 auth.info] ".
    if (s.starts_with("[ID ")) {
      const size_t close = s.find("] ");
      if (close != std::string_view::npos && close < 48) {
        s.remove_prefix(close + 2);
        again = true;
      }
    }
    if (consume_kernel_stamp(s)) again = true;
    for (std::string_view level : {"error", "fatal", "debug1", "debug2", "debug3"}) {
      if (s.size() > level.size() + 1 && s.starts_with(level) && s[level.size()] == ':' &&
          s[level.size() + 1] == ' ') {
        m.level = level;
        s.remove_prefix(level.size() + 2);
        again = true;
        break;
      }
    }
  }
  m.text = s;
  return m;
}

void set_str(Event& event, std::string_view name, std::string_view value) {
  event.set_field_text(name, value);
}

void set_result(Event& event, std::string_view action, const char* outcome) {
  set_str(event, "event.action", action);
  if (outcome) set_str(event, "event.outcome", outcome);
}

void set_peer(Event& event, std::string_view address, std::string_view port) {
  set_source_address(event, address);
  set_number_field(event, "source.port", port);
}

void set_user(Event& event, std::string_view user) { set_str(event, "user.name", user); }

void mark_invalid_user(Event& event) { set_str(event, "sshd.invalid_user", "true"); }

// Authentication method as sshd names it → the suffix of failed_* / accepted_* actions.
std::string_view method_action(std::string_view method) {
  if (method == "password") return "password";
  if (method == "publickey") return "publickey";
  if (method.starts_with("keyboard-interactive")) return "keyboard_interactive";
  if (method == "hostbased") return "hostbased";
  if (method == "none") return "none";
  if (method.starts_with("gssapi")) return "gssapi";
  return "other";
}

// Two words joined into an action name on the stack (every line sets one: no heap string).
class ActionName {
 public:
  ActionName(std::string_view a, std::string_view b) {
    a = a.substr(0, sizeof buf_);
    b = b.substr(0, sizeof buf_ - a.size());
    a.copy(buf_, a.size());
    b.copy(buf_ + a.size(), b.size());
    size_ = a.size() + b.size();
  }
  operator std::string_view() const { return {buf_, size_}; }

 private:
  char buf_[48];
  size_t size_;
};

void set_key_info(Event& event, std::string_view info) {
  ReGroups<2> k;
  if (info.empty() || !k.full_match(patterns().key_info, info, fast_match_key_info)) return;
  set_str(event, "sshd.key_type", k[1]);
  set_str(event, "sshd.key_fingerprint", k[2]);
}

// "Connection closed by", "Connection reset by", "Disconnected from": an "authenticating user"
// or "invalid user" qualifier, or sshd's [preauth] tag, means the peer left before logging in.
void set_connection_end(Event& event, std::string_view base, std::string_view qualifier,
                        bool preauth) {
  const bool before_auth =
      preauth || qualifier == "authenticating user" || qualifier == "invalid user";
  if (qualifier == "invalid user") mark_invalid_user(event);
  set_result(event, ActionName(base, before_auth ? "_preauth" : ""),
             before_auth ? "failure" : nullptr);
}

bool parse_auth(const SshdPatterns& p, std::string_view m, Event& event) {
  ReGroups<7> g;
  if (m.starts_with("Failed ") && g.full_match(p.failed, m, fast_match_failed)) {
    set_result(event, ActionName("failed_", method_action(g[1])), "failure");
    set_str(event, "sshd.auth_method", g[1]);
    if (g.matched(2)) mark_invalid_user(event);
    set_user(event, g[3]);
    set_peer(event, g[4], g[5]);
    if (g[1] == "publickey") set_key_info(event, g[7]);
    return true;
  }
  if (m.starts_with("Accepted ") && g.full_match(p.accepted, m, fast_match_accepted)) {
    set_result(event, ActionName("accepted_", method_action(g[1])), "success");
    set_str(event, "sshd.auth_method", g[1]);
    set_user(event, g[2]);
    set_peer(event, g[3], g[4]);
    if (g[1] == "publickey") set_key_info(event, g[6]);
    return true;
  }
  if (m.starts_with("Postponed ") && g.full_match(p.postponed, m)) {
    set_result(event, ActionName("postponed_", method_action(g[1])), nullptr);
    set_str(event, "sshd.auth_method", g[1]);
    if (g.matched(2)) mark_invalid_user(event);
    set_user(event, g[3]);
    set_peer(event, g[4], g[5]);
    return true;
  }
  if ((m.starts_with("Invalid user ") || m.starts_with("Illegal user ")) &&
      g.full_match(p.invalid_user, m, fast_match_invalid_user)) {
    set_result(event, "invalid_user", "failure");
    mark_invalid_user(event);
    set_user(event, g[1]);
    set_peer(event, g[2], g[3]);
    return true;
  }
  if (m.starts_with("input_userauth_request: ") && g.full_match(p.userauth_request, m)) {
    set_result(event, "invalid_user_request", "failure");
    mark_invalid_user(event);
    set_user(event, g[1]);
    return true;
  }
  if (m.starts_with("User ")) {
    if (g.full_match(p.user_not_allowed_from, m)) {
      set_result(event, "user_not_allowed", "failure");
      set_user(event, g[1]);
      set_source_address(event, g[2]);
      set_str(event, "sshd.reason", g[3]);
      return true;
    }
    if (g.full_match(p.user_not_allowed, m)) {
      set_result(event, "user_not_allowed", "failure");
      set_user(event, g[1]);
      set_str(event, "sshd.reason", g[2]);
      return true;
    }
  }
  if (m.starts_with("ROOT LOGIN REFUSED FROM ") && g.full_match(p.root_refused, m)) {
    set_result(event, "root_login_refused", "failure");
    set_user(event, "root");
    set_peer(event, g[1], g[2]);
    return true;
  }
  if (m.starts_with("PAM: ") && g.full_match(p.pam_failure, m)) {
    set_result(event, g.matched(1) ? "pam_user_unknown" : "pam_auth_failure", "failure");
    if (g.matched(2)) mark_invalid_user(event);
    set_user(event, g[3]);
    set_source_address(event, g[4]);
    return true;
  }
  if (m.starts_with("maximum authentication attempts exceeded for ") &&
      g.full_match(p.max_attempts, m, fast_match_max_attempts)) {
    set_result(event, "max_auth_attempts", "failure");
    if (g.matched(1)) mark_invalid_user(event);
    set_user(event, g[2]);
    set_peer(event, g[3], g[4]);
    return true;
  }
  if (m.starts_with("Disconnecting: Too many authentication failures") &&
      g.full_match(p.too_many, m)) {
    set_result(event, "too_many_auth_failures", "failure");
    if (g.matched(1)) mark_invalid_user(event);
    if (g.matched(2)) set_user(event, g[2]);
    return true;
  }
  return false;
}

bool parse_connection(const SshdPatterns& p, const Message& msg, Event& event) {
  const std::string_view m = msg.text;
  ReGroups<5> g;
  if (m.starts_with("Disconnecting ") && g.full_match(p.disconnecting, m)) {
    if (g[5].starts_with("Too many authentication failures")) {
      set_result(event, "too_many_auth_failures", "failure");
      if (g[1] == "invalid user") mark_invalid_user(event);
    } else {
      set_connection_end(event, "disconnect", g[1], msg.preauth);
    }
    set_user(event, g[2]);
    set_peer(event, g[3], g[4]);
    set_str(event, "sshd.reason", g[5]);
    return true;
  }
  struct Ending {
    std::string_view prefix;
    const RE2& with_user;
    const RE2& plain;
    std::string_view action;
  };
  const Ending endings[] = {
      {"Disconnected from ", p.disconnected_user, p.disconnected, "disconnect"},
      {"Connection closed by ", p.closed_user, p.closed, "connection_closed"},
      {"Connection reset by ", p.reset_user, p.reset, "connection_reset"},
  };
  for (const Ending& e : endings) {
    if (!m.starts_with(e.prefix)) continue;
    FastGroups f;
    bool with_user = fast_match_user_ending(m, e.prefix, f);
    if (with_user) {
      g.assign(f.group);
    } else {
      with_user = g.full_match(e.with_user, m);
    }
    if (with_user) {
      set_connection_end(event, e.action, g[1], msg.preauth);
      set_user(event, g[2]);
      set_peer(event, g[3], g[4]);
      return true;
    }
    if (g.full_match(e.plain, m)) {
      // "Connection closed by remote host" and friends name no peer.
      set_connection_end(event, e.action, {}, msg.preauth);
      set_peer(event, g[1], g[2]);
      return true;
    }
  }
  if (m.starts_with("Received disconnect from ") &&
      g.full_match(p.received_disconnect, m, fast_match_received_disconnect)) {
    // 11 is SSH2_DISCONNECT_BY_APPLICATION, an ordinary logout once authenticated; any other
    // reason, or any disconnect before authentication, ends an attempt that did not succeed.
    const bool failed = msg.preauth || g[3] != "11";
    set_result(event, "received_disconnect", failed ? "failure" : nullptr);
    set_peer(event, g[1], g[2]);
    set_number_field(event, "sshd.disconnect_code", g[3]);
    set_str(event, "sshd.reason", g[4]);
    return true;
  }
  if (m.starts_with("Did not receive identification string from ") &&
      g.full_match(p.no_identification, m)) {
    set_result(event, "no_identification", "failure");
    set_peer(event, g[1], g[2]);
    return true;
  }
  if (m.starts_with("Bad protocol version identification ") && g.full_match(p.bad_protocol, m)) {
    set_result(event, "bad_protocol_version", "failure");
    set_peer(event, g[2], g[3]);
    set_str(event, "sshd.client_version", g[1]);
    return true;
  }
  if (m.starts_with("Unable to negotiate ")) {
    set_result(event, "negotiation_failed", "failure");
    if (g.full_match(p.negotiate, m)) {
      set_peer(event, g[1], g[2]);
      set_str(event, "sshd.reason", g[3]);
    }
    return true;
  }
  if (m.starts_with("no matching ") && m.find(" found") != std::string_view::npos) {
    set_result(event, "negotiation_failed", "failure");
    return true;
  }
  if (m.starts_with("banner exchange: ") && g.full_match(p.banner, m)) {
    set_result(event, "banner_exchange_failed", "failure");
    set_peer(event, g[1], g[2]);
    set_str(event, "sshd.reason", g[3]);
    return true;
  }
  if (m.starts_with("ssh_dispatch_run_fatal: ") && g.full_match(p.dispatch_fatal, m)) {
    set_result(event, "protocol_error", "failure");
    if (g.matched(2)) set_user(event, g[2]);
    if (g[1] == "invalid user") mark_invalid_user(event);
    set_peer(event, g[3], g[4]);
    set_str(event, "sshd.reason", g[5]);
    return true;
  }
  if (m.starts_with("Timeout before authentication for ") && g.full_match(p.auth_timeout, m)) {
    set_result(event, "auth_timeout", "failure");
    set_peer(event, g[1], g[2]);
    return true;
  }
  if (m.starts_with("kex_exchange_identification: ")) {
    set_result(event, "kex_identification_error", "failure");
    set_str(event, "sshd.reason", m.substr(29));
    return true;
  }
  if (m.starts_with("Connection from ")) {
    if (g.full_match(p.connection_from_on, m)) {
      set_result(event, "connection_opened", nullptr);
      set_peer(event, g[1], g[2]);
      std::string local;
      if (classify_address(g[3], local) != AddressKind::kInvalid) {
        event.set_field_text("destination.ip", local);
      }
      set_number_field(event, "destination.port", g[4]);
      return true;
    }
    if (g.full_match(p.connection_from, m)) {
      set_result(event, "connection_opened", nullptr);
      set_peer(event, g[1], g[2]);
      return true;
    }
  }
  if (m == "Read from socket failed: Connection reset by peer" ||
      m == "Write failed: Connection reset by peer") {
    set_connection_end(event, "connection_reset", {}, msg.preauth);
    return true;
  }
  if (m.starts_with("Read error from remote host ") && g.full_match(p.read_error, m)) {
    set_connection_end(event, "connection_reset", {}, msg.preauth);
    set_peer(event, g[1], g[2]);
    set_str(event, "sshd.reason", g[3]);
    return true;
  }
  if (m.starts_with("refused connect from ") && g.full_match(p.refused_connect, m)) {
    // tcpwrappers: "refused connect from [ident@]host (address)".
    std::string_view addr = g.matched(2) ? g[2] : g[1];
    if (!g.matched(2)) {
      const size_t at = addr.rfind('@');
      if (at != std::string_view::npos) addr.remove_prefix(at + 1);
    }
    set_result(event, "connection_refused", "failure");
    set_source_address(event, addr);
    return true;
  }
  if (m.starts_with("reverse mapping checking getaddrinfo for ") &&
      g.full_match(p.reverse_mapping, m)) {
    set_result(event, "reverse_mapping_failed", nullptr);
    set_source_address(event, g[2]);
    set_str(event, "source.domain", g[1]);
    return true;
  }
  if (m.starts_with("Address ") && g.full_match(p.address_maps, m)) {
    set_result(event, "reverse_mapping_failed", nullptr);
    set_source_address(event, g[1]);
    set_str(event, "source.domain", g[2]);
    return true;
  }
  if (m.starts_with("Server listening on ") && g.full_match(p.listening, m)) {
    set_result(event, "server_listening", nullptr);
    return true;
  }
  return false;
}

}  // namespace

bool SshdParser::is_sshd_program(std::string_view program) {
  return program == "sshd" || program == "sshd-session" || program == "sshd-auth" ||
         program == "sshd(pam_unix)";
}

bool SshdParser::parse_message(std::string_view message, Event& event) const {
  LogSource ls = event.logsource();
  ls.product = "linux";
  ls.service = "sshd";
  event.set_logsource(std::move(ls));

  const Message msg = strip_decorations(message);
  if (!msg.level.empty()) set_str(event, "log.level", msg.level);
  if (msg.preauth) set_str(event, "sshd.preauth", "true");
  const SshdPatterns& p = patterns();
  return parse_auth(p, msg.text, event) || parse_connection(p, msg, event) ||
         parse_pam_message(msg.text, event);
}

bool SshdParser::parse(Event& event) const {
  event.set_body(Event::Body::kText);
  return parse_message(event.raw(), event);
}

}  // namespace tripline
