#include "collectors/format_sniffer.h"

#include "collectors/parsers/parser_factory.h"

namespace tripline {
namespace {

std::string_view skip_space(std::string_view s) {
  size_t i = 0;
  // A UTF-8 byte order mark is not content.
  if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  return s.substr(i);
}

bool has(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// `"key"` followed by optional spaces and a colon, then `value` (a quoted string start).
bool has_key_value(std::string_view hay, std::string_view key, std::string_view value) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (size_t pos = hay.find(quoted); pos != std::string_view::npos;
       pos = hay.find(quoted, pos + 1)) {
    std::string_view rest = hay.substr(pos + quoted.size());
    size_t i = 0;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || rest[i] != ':') continue;
    ++i;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\n')) ++i;
    if (rest.substr(i, value.size()) == value) return true;
  }
  return false;
}

bool is_records_document(std::string_view body) {
  // The first key of a CloudTrail delivery file is "Records".
  std::string_view s = skip_space(body.substr(1));
  return s.substr(0, 9) == "\"Records\"";
}

}  // namespace

SniffResult sniff_format(std::string_view head) {
  SniffResult r;
  const std::string_view body = skip_space(head);
  if (!body.empty() && body[0] == '[') {
    // A JSON array of CloudTrail records (lookup-events output, detonation logs).
    const std::string_view first = skip_space(body.substr(1));
    if (!first.empty() && first[0] == '{' && has(body, "\"eventSource\"") &&
        has(body, "\"awsRegion\"")) {
      r.format = "cloudtrail";
      r.framing = Framing::kRecordsArray;
      r.logsource = default_logsource(r.format);
      return r;
    }
  }
  if (body.empty() || body[0] != '{') {
    r.format = "syslog";
    r.logsource = default_logsource("syslog");
    return r;
  }
  const std::string_view first_line = body.substr(0, body.find('\n'));
  if (is_records_document(body)) {
    r.format = "cloudtrail";
    r.framing = Framing::kRecordsArray;
    r.array_key = "Records";
  } else if (has_key_value(body, "kind", "\"EventList\"")) {
    r.format = "k8s-audit";
    r.framing = Framing::kRecordsArray;
    r.array_key = "items";
  } else if (has(first_line, "audit.k8s.io/")) {
    r.format = "k8s-audit";
  } else if (has(first_line, "\"protoPayload\"") && has(first_line, "AuditLog")) {
    r.format = "gcp-audit";
  } else if (has(first_line, "\"eventSource\"") && has(first_line, "\"awsRegion\"")) {
    r.format = "cloudtrail";
  } else {
    r.format = "jsonl";
  }
  r.logsource = default_logsource(r.format);
  return r;
}

SniffResult framing_for_format(const std::string& format, std::string_view head) {
  SniffResult sniffed = sniff_format(head);
  SniffResult r;
  r.format = format;
  r.logsource = default_logsource(format);
  if (sniffed.framing == Framing::kRecordsArray && (format == "cloudtrail" || format == "k8s-audit")) {
    r.framing = sniffed.framing;
    r.array_key = sniffed.array_key;
  }
  return r;
}

}  // namespace tripline
