#include "collectors/parsers/sshd_fast_match.h"

namespace tripline {
namespace {

using fast_scan::is_digit;
using fast_scan::token_end;

// What may follow the address, in pattern order; `port` is mandatory in "Accepted".
struct TailSpec {
  bool port_required = false;
  bool ssh = true;   // (?: (ssh\d?))?
  bool rest = true;  // (?:: (.*))?
};

struct Tail {
  std::string_view addr, port, ssh, rest;
  bool has_port = false, has_ssh = false, has_rest = false;
};

// `(?: port (\d+))?(?: (ssh\d?))?(?:: (.*))?$` from m[i]. Each option is taken when its text is
// there; when a taken option leaves a remainder nothing else can match, leaving it out cannot
// help either (what follows would still start with " port", " ssh" or a digit), so there is no
// backtracking to do.
bool match_options(std::string_view m, size_t i, const TailSpec& spec, Tail& t) {
  if (m.substr(i).starts_with(" port ")) {
    const size_t d = i + 6;
    size_t e = d;
    while (e < m.size() && is_digit(m[e])) ++e;
    if (e == d) return false;
    t.port = m.substr(d, e - d);
    t.has_port = true;
    i = e;
  } else if (spec.port_required) {
    return false;
  }
  if (spec.ssh && m.substr(i).starts_with(" ssh")) {
    size_t e = i + 4;
    if (e < m.size() && is_digit(m[e])) ++e;
    t.ssh = m.substr(i + 1, e - i - 1);
    t.has_ssh = true;
    i = e;
  }
  if (i == m.size()) return true;
  if (spec.rest && m.substr(i).starts_with(": ")) {
    t.rest = m.substr(i + 2);
    t.has_rest = true;
    return true;
  }
  return false;
}

// `from (\S+)<options>$` with " from " at m[p]. The greedy address is the whole token first;
// the only shorter one that can work drops a final ':' so that ": rest" follows it.
bool match_tail(std::string_view m, size_t p, const TailSpec& spec, Tail& t) {
  const size_t a = p + 6;
  const size_t e = token_end(m, a);
  if (e == a) return false;
  t = {};
  t.addr = m.substr(a, e - a);
  if (match_options(m, e, spec, t)) return true;
  if (spec.rest && !spec.port_required && e - a >= 2 && m[e - 1] == ':' && e < m.size()) {
    t = {};
    t.addr = m.substr(a, e - 1 - a);
    t.rest = m.substr(e + 1);
    t.has_rest = true;
    return true;
  }
  return false;
}

// `(.*?) from <tail>` from m[start]: the lazy name ends at the first " from " whose tail matches.
bool match_lazy_user(std::string_view m, size_t start, const TailSpec& spec,
                     std::string_view& user, Tail& t) {
  for (size_t p = m.find(" from ", start); p != std::string_view::npos;
       p = m.find(" from ", p + 1)) {
    if (match_tail(m, p, spec, t)) {
      user = m.substr(start, p - start);
      return true;
    }
  }
  return false;
}

// "<word> (\S+) for " at the start of m: the method token and where what follows begins.
bool method_for(std::string_view m, std::string_view word, std::string_view& method,
                size_t& next) {
  if (!m.starts_with(word)) return false;
  const size_t b = word.size();
  const size_t e = token_end(m, b);
  if (e == b || !m.substr(e).starts_with(" for ")) return false;
  method = m.substr(b, e - b);
  next = e + 5;
  return true;
}

std::string_view set_if(bool has, std::string_view v) { return has ? v : std::string_view(); }

}  // namespace

bool fast_match_failed(std::string_view m, FastGroups& out) {
  if (!only_space_whitespace(m)) return false;
  std::string_view method;
  size_t next = 0;
  if (!method_for(m, "Failed ", method, next)) return false;
  // The optional qualifier is preferred: when the line goes on with it, a match that takes it
  // wins. Lines where only leaving it out matches are left to RE2.
  std::string_view qualifier;
  for (std::string_view q : {std::string_view("invalid user "), std::string_view("illegal user ")}) {
    if (m.substr(next).starts_with(q)) qualifier = m.substr(next, q.size());
  }
  std::string_view user;
  Tail t;
  if (!match_lazy_user(m, next + qualifier.size(), TailSpec{}, user, t)) return false;
  out = {};
  out.group[0] = m;
  out.group[1] = method;
  out.group[2] = qualifier.empty() ? std::string_view() : qualifier;
  out.group[3] = user;
  out.group[4] = t.addr;
  out.group[5] = set_if(t.has_port, t.port);
  out.group[6] = set_if(t.has_ssh, t.ssh);
  out.group[7] = set_if(t.has_rest, t.rest);
  return true;
}

bool fast_match_accepted(std::string_view m, FastGroups& out) {
  if (!only_space_whitespace(m)) return false;
  std::string_view method;
  size_t next = 0;
  if (!method_for(m, "Accepted ", method, next)) return false;
  std::string_view user;
  Tail t;
  if (!match_lazy_user(m, next, TailSpec{.port_required = true}, user, t)) return false;
  out = {};
  out.group[0] = m;
  out.group[1] = method;
  out.group[2] = user;
  out.group[3] = t.addr;
  out.group[4] = t.port;
  out.group[5] = set_if(t.has_ssh, t.ssh);
  out.group[6] = set_if(t.has_rest, t.rest);
  return true;
}

bool fast_match_invalid_user(std::string_view m, FastGroups& out) {
  if (!only_space_whitespace(m)) return false;
  size_t next = 0;
  if (m.starts_with("Invalid user ") || m.starts_with("Illegal user ")) next = 13;
  if (next == 0) return false;
  std::string_view user;
  Tail t;
  if (!match_lazy_user(m, next, TailSpec{.ssh = false, .rest = false}, user, t)) return false;
  out = {};
  out.group[0] = m;
  out.group[1] = user;
  out.group[2] = t.addr;
  out.group[3] = set_if(t.has_port, t.port);
  return true;
}

bool fast_match_max_attempts(std::string_view m, FastGroups& out) {
  constexpr std::string_view kHead = "maximum authentication attempts exceeded for ";
  if (!m.starts_with(kHead) || !only_space_whitespace(m)) return false;
  const size_t next = kHead.size();
  // As in "Failed": a qualifier the line goes on with is taken; where only leaving it out
  // matches, RE2 decides.
  std::string_view qualifier;
  for (std::string_view q :
       {std::string_view("invalid user "), std::string_view("illegal user ")}) {
    if (m.substr(next).starts_with(q)) qualifier = m.substr(next, q.size());
  }
  std::string_view user;
  Tail t;
  if (!match_lazy_user(m, next + qualifier.size(),
                       TailSpec{.port_required = true, .ssh = true, .rest = false}, user, t)) {
    return false;
  }
  out = {};
  out.group[0] = m;
  out.group[1] = qualifier.empty() ? std::string_view() : qualifier;
  out.group[2] = user;
  out.group[3] = t.addr;
  out.group[4] = t.port;
  out.group[5] = set_if(t.has_ssh, t.ssh);
  return true;
}

bool fast_match_received_disconnect(std::string_view m, FastGroups& out) {
  constexpr std::string_view kHead = "Received disconnect from ";
  if (!m.starts_with(kHead) || !only_space_whitespace(m)) return false;
  // The greedy address takes the whole token and the optional port is preferred: when that
  // path matches it is RE2's match. Each later piece has one way to match (a shorter run of
  // digits leaves a digit where ':' must be; an optional space left out leaves a space where a
  // digit must be, or goes into the reason where RE2 prefers to take it).
  const size_t a = kHead.size();
  const size_t e = token_end(m, a);
  if (e == a || !m.substr(e).starts_with(" port ")) return false;
  size_t i = e + 6;
  const size_t port = i;
  while (i < m.size() && is_digit(m[i])) ++i;
  if (i == port || i == m.size() || m[i] != ':') return false;
  const size_t port_end = i++;
  if (i < m.size() && m[i] == ' ') ++i;
  const size_t code = i;
  while (i < m.size() && is_digit(m[i])) ++i;
  if (i == code || i == m.size() || m[i] != ':') return false;
  const size_t code_end = i++;
  if (i < m.size() && m[i] == ' ') ++i;
  out = {};
  out.group[0] = m;
  out.group[1] = m.substr(a, e - a);
  out.group[2] = m.substr(port, port_end - port);
  out.group[3] = m.substr(code, code_end - code);
  out.group[4] = m.substr(i);
  return true;
}

bool fast_match_user_ending(std::string_view m, std::string_view prefix, FastGroups& out) {
  if (!only_space_whitespace(m) || !m.starts_with(prefix)) return false;
  // The qualifier is fixed by how the text goes on (no alternative is a prefix of another
  // followed by a space).
  std::string_view qualifier;
  for (std::string_view q : {std::string_view("authenticating user"),
                             std::string_view("invalid user"), std::string_view("user")}) {
    if (m.substr(prefix.size()).starts_with(q) && m.size() > prefix.size() + q.size() &&
        m[prefix.size() + q.size()] == ' ') {
      qualifier = m.substr(prefix.size(), q.size());
      break;
    }
  }
  if (qualifier.empty()) return false;
  // Anchored at the end: " port " and digits close the text, the address is the token before
  // them, and the greedy name is everything between the qualifier and that token. Each split is
  // the only one possible, so greedy or lazy makes no difference.
  size_t digits = m.size();
  while (digits > 0 && is_digit(m[digits - 1])) --digits;
  if (digits == m.size() || !m.substr(0, digits).ends_with(" port ")) return false;
  const size_t addr_end = digits - 6;
  size_t addr = addr_end;
  while (addr > 0 && m[addr - 1] != ' ') --addr;
  const size_t name = prefix.size() + qualifier.size() + 1;
  if (addr == addr_end || addr == 0 || addr - 1 < name) return false;
  out = {};
  out.group[0] = m;
  out.group[1] = qualifier;
  out.group[2] = m.substr(name, addr - 1 - name);
  out.group[3] = m.substr(addr, addr_end - addr);
  out.group[4] = m.substr(digits);
  return true;
}

bool fast_match_key_info(std::string_view m, FastGroups& out) {
  if (!only_space_whitespace(m)) return false;
  const size_t space = m.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  const size_t end = token_end(m, space + 1);
  if (end == space + 1) return false;
  out = {};
  out.group[0] = m;
  out.group[1] = m.substr(0, space);
  out.group[2] = m.substr(space + 1, end - space - 1);
  return true;
}

}  // namespace tripline
