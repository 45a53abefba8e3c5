#include "collectors/parsers/pam_fast_match.h"

namespace tripline {
namespace {

using fast_scan::is_digit;
using fast_scan::token_end;

bool skip(std::string_view m, size_t& i, std::string_view literal) {
  if (!m.substr(i).starts_with(literal)) return false;
  i += literal.size();
  return true;
}

// `rhost=(\S*)(?:\s+user=(.*?))?\s*$` with the address starting at m[r]. A shorter address would
// leave a non-space where only a space or the end can follow, so the address is the whole token;
// after it come either spaces to the end or spaces, "user=" and a name that the lazy group ends
// before the trailing spaces.
bool match_rhost_tail(std::string_view m, size_t r, FastGroups& out, size_t g) {
  const size_t e = token_end(m, r);
  size_t s = e;
  while (s < m.size() && m[s] == ' ') ++s;
  if (s == m.size()) {
    out.group[g] = m.substr(r, e - r);
    out.group[g + 1] = {};
    return true;
  }
  if (s == e || !m.substr(s).starts_with("user=")) return false;
  const size_t u = s + 5;
  size_t end = m.size();
  while (end > u && m[end - 1] == ' ') --end;
  out.group[g] = m.substr(r, e - r);
  out.group[g + 1] = m.substr(u, end - u);
  return true;
}

// `logname=(\S*) uid=\d* euid=\d* tty=(\S*) ruser=(.*?) rhost=...` from m[i], into groups g..g+4.
// Up to ruser every piece is a whole token or digit run closed by a fixed " key="; the lazy ruser
// then ends at the first " rhost=" whose tail matches.
bool match_fields(std::string_view m, size_t i, FastGroups& out, size_t g) {
  if (!skip(m, i, "logname=")) return false;
  const size_t logname = i;
  i = token_end(m, i);
  out.group[g] = m.substr(logname, i - logname);
  for (std::string_view key : {std::string_view(" uid="), std::string_view(" euid=")}) {
    if (!skip(m, i, key)) return false;
    while (i < m.size() && is_digit(m[i])) ++i;
  }
  if (!skip(m, i, " tty=")) return false;
  const size_t tty = i;
  i = token_end(m, i);
  out.group[g + 1] = m.substr(tty, i - tty);
  if (!skip(m, i, " ruser=")) return false;
  for (size_t p = m.find(" rhost=", i); p != std::string_view::npos; p = m.find(" rhost=", p + 1)) {
    if (match_rhost_tail(m, p + 7, out, g + 3)) {
      out.group[g + 2] = m.substr(i, p - i);
      return true;
    }
  }
  return false;
}

}  // namespace

bool fast_match_pam_auth_failure(std::string_view m, FastGroups& out) {
  constexpr std::string_view kHead = "authentication failure; ";
  if (!m.starts_with(kHead) || !only_space_whitespace(m)) return false;
  FastGroups f;
  f.group[0] = m;
  if (!match_fields(m, kHead.size(), f, 1)) return false;
  out = f;
  return true;
}

bool fast_match_pam_more_failures(std::string_view m, FastGroups& out) {
  size_t i = 0;
  if (!skip(m, i, "PAM ") || !only_space_whitespace(m)) return false;
  const size_t count = i;
  while (i < m.size() && is_digit(m[i])) ++i;
  if (i == count) return false;
  const size_t count_end = i;
  if (!skip(m, i, " more authentication failure")) return false;
  // `s?` then ';': taking an 's' that is there is the only way on.
  skip(m, i, "s");
  if (!skip(m, i, "; ")) return false;
  FastGroups f;
  f.group[0] = m;
  f.group[1] = m.substr(count, count_end - count);
  if (!match_fields(m, i, f, 2)) return false;
  out = f;
  return true;
}

}  // namespace tripline
