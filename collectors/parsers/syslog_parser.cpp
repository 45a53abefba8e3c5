#include "collectors/parsers/syslog_parser.h"

#include <optional>
#include <string>
#include <vector>

#include "collectors/parsers/net_address.h"
#include "collectors/parsers/pam_message.h"
#include "collectors/parsers/syslog_structured_data.h"
#include "core/time_util.h"

namespace tripline {
namespace {

// rsyslog's names (RFC 5424 §6.2.1 codes 0..23).
constexpr std::string_view kFacilities[] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
constexpr std::string_view kSeverities[] = {"emerg",   "alert",  "crit", "err",
                                            "warning", "notice", "info", "debug"};

// One line's parts as views into its bytes. Nothing reaches the event until the whole header has
// parsed, so a line that turns out not to be syslog carries no half-set fields.
struct Record {
  int priority = -1;
  std::optional<TimePoint> time;
  std::string_view hostname;
  std::string_view program;
  std::string_view procid;
  std::string_view msgid;
  std::string_view message;
  std::vector<SdParam> sd;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool printable_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u == 127) return false;
  }
  return true;
}

// "<N>" with N in 0..191; returns the characters consumed or 0.
size_t read_priority(std::string_view s, int& priority) {
  if (s.size() < 3 || s[0] != '<') return 0;
  size_t i = 1;
  int value = 0;
  while (i < s.size() && i <= 3 && is_digit(s[i])) value = value * 10 + (s[i++] - '0');
  if (i == 1 || i >= s.size() || s[i] != '>' || value > 191) return 0;
  priority = value;
  return i + 1;
}

// The token at s[i] up to the next space or the end; advances i to that space.
std::string_view next_token(std::string_view s, size_t& i) {
  const size_t start = i;
  while (i < s.size() && s[i] != ' ') ++i;
  return s.substr(start, i - start);
}

// TAG and MSG of RFC 3164: "prog[pid]: msg", "prog: msg", "[prog]: msg", "[prog] msg". Content
// without a recognisable tag is all message.
void parse_tag(std::string_view s, Record& r) {
  r.message = s;
  if (s.starts_with('[')) {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || !printable_token(s.substr(1, close - 1))) return;
    size_t j = close + 1;
    if (j < s.size() && s[j] == ':') ++j;
    if (j < s.size() && s[j] != ' ') return;
    r.program = s.substr(1, close - 1);
    r.message = s.substr(j < s.size() ? j + 1 : j);
    return;
  }
  size_t j = 0;
  while (j < s.size() && j <= 64 && s[j] != '[' && s[j] != ':' && s[j] != ' ') ++j;
  const std::string_view program = s.substr(0, j);
  if (!printable_token(program) || j > 64) return;
  std::string_view pid;
  if (j < s.size() && s[j] == '[') {
    const size_t close = s.find(']', j);
    if (close == std::string_view::npos || !printable_token(s.substr(j + 1, close - j - 1))) {
      return;
    }
    pid = s.substr(j + 1, close - j - 1);
    j = close + 1;
    if (j < s.size() && s[j] == ':') ++j;
  } else if (j < s.size() && s[j] == ':') {
    ++j;
  } else {
    return;  // "host some text": no tag
  }
  if (j < s.size() && s[j] != ' ') return;
  r.program = program;
  r.procid = pid;
  r.message = s.substr(j < s.size() ? j + 1 : j);
}

// A first token that is a tag rather than a host: "sshd[1]:", "sshd:", "[sshd]".
bool looks_like_tag(std::string_view token) {
  return token.front() == '[' || token.back() == ':' || token.find('[') != std::string_view::npos;
}

bool parse_rfc3164(std::string_view s, TimePoint received, TimestampZone zone, Record& r) {
  size_t i = 0;
  if (s.size() > 10 && is_digit(s[0]) && s[4] == '-') {
    const std::string_view stamp = next_token(s, i);
    r.time = parse_rfc3339(stamp);
    if (!r.time) return false;
  } else {
    i = read_bsd_time(s, received, zone, r.time);
    if (i == 0 || !r.time) return false;
  }
  if (i >= s.size() || s[i] != ' ') return false;
  while (i < s.size() && s[i] == ' ') ++i;
  if (i == s.size()) return false;
  size_t end = i;
  const std::string_view first = next_token(s, end);
  if (!looks_like_tag(first)) {
    if (!printable_token(first)) return false;
    r.hostname = first;
    i = end < s.size() ? end + 1 : end;
  }
  parse_tag(s.substr(i), r);
  return true;
}

bool parse_rfc5424(std::string_view s, Record& r) {
  if (!s.starts_with("1 ")) return false;
  size_t i = 2;
  const std::string_view stamp = next_token(s, i);
  if (stamp.empty()) return false;
  if (stamp != "-") {
    r.time = parse_rfc3339(stamp);
    if (!r.time) return false;
  }
  std::string_view* const header[] = {&r.hostname, &r.program, &r.procid, &r.msgid};
  for (std::string_view* field : header) {
    if (i >= s.size() || s[i] != ' ') return false;
    ++i;
    const std::string_view token = next_token(s, i);
    if (!printable_token(token)) return false;
    *field = token == "-" ? std::string_view() : token;
  }
  if (i >= s.size() || s[i] != ' ') return false;
  ++i;
  const size_t sd_len = parse_structured_data(s.substr(i), r.sd);
  if (sd_len == 0) return false;
  i += sd_len;
  if (i < s.size()) {
    if (s[i] != ' ') return false;
    ++i;
  }
  r.message = s.substr(i);
  if (r.message.starts_with("\xEF\xBB\xBF")) r.message.remove_prefix(3);
  return true;
}

// rsyslog's repeated-message reduction: "message repeated 5 times: [ Failed password ...]".
std::string_view unwrap_repeated(std::string_view message, std::string_view& count) {
  constexpr std::string_view kPrefix = "message repeated ";
  if (!message.starts_with(kPrefix) || !message.ends_with(']')) return message;
  size_t i = kPrefix.size();
  const size_t digits_start = i;
  while (i < message.size() && is_digit(message[i])) ++i;
  if (i == digits_start || message.substr(i, 9) != " times: [") return message;
  count = message.substr(digits_start, i - digits_start);
  std::string_view inner = message.substr(i + 9, message.size() - i - 10);
  if (inner.starts_with(' ')) inner.remove_prefix(1);
  return inner;
}

}  // namespace

bool SyslogParser::parse(Event& event) const {
  event.set_body(Event::Body::kText);
  std::string_view line = event.raw();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const TimePoint received =
      event.receive_time() == TimePoint{} ? Clock::now() : event.receive_time();
  if (event.event_time() == TimePoint{}) event.set_event_time(received);

  Record r;
  int priority = -1;
  const size_t pri_len = read_priority(line, priority);
  const std::string_view rest = line.substr(pri_len);
  const bool ok = (pri_len > 0 && rest.starts_with("1 ")) ? parse_rfc5424(rest, r)
                                                          : parse_rfc3164(rest, received, zone_, r);
  if (!ok) {
    event.set_field_text("message", line);
    return false;
  }
  r.priority = pri_len > 0 ? priority : -1;

  if (r.priority >= 0) {
    event.set_field_text("syslog.priority", std::to_string(r.priority), FieldType::kNumber);
    event.set_field_text("syslog.facility", kFacilities[r.priority >> 3]);
    event.set_field_text("syslog.severity", kSeverities[r.priority & 7]);
  }
  if (r.time) event.set_event_time(*r.time);
  if (!r.hostname.empty()) event.set_field_text("host.hostname", r.hostname);
  if (!r.program.empty()) event.set_field_text("process.name", r.program);
  if (all_digits(r.procid)) {
    set_number_field(event, "process.pid", r.procid);
  } else if (!r.procid.empty()) {
    event.set_field_text("syslog.procid", r.procid);
  }
  if (!r.msgid.empty()) event.set_field_text("syslog.msgid", r.msgid);
  for (SdParam& p : r.sd) {
    std::string name = "syslog.sd.";
    name.append(p.sd_id).append(".").append(p.name);
    event.set_field(std::move(name), std::move(p.value));
  }
  event.set_field_text("message", r.message);

  std::string_view repeat_count;
  const std::string_view body = unwrap_repeated(r.message, repeat_count);
  if (!repeat_count.empty()) set_number_field(event, "syslog.repeat_count", repeat_count);
  if (SshdParser::is_sshd_program(r.program)) {
    sshd_.parse_message(body, event);
  } else {
    parse_pam_message(body, event);
  }
  return true;
}

}  // namespace tripline
