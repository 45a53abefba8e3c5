#include "exporters/syslog/syslog_format.h"

#include "core/time_util.h"

namespace tripline {
namespace {

// PRINTUSASCII (33..126), at most `max` characters, "-" when empty.
std::string header_field(const std::string& s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() == max) break;
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 33 && u <= 126 ? c : '_');
  }
  return out.empty() ? "-" : out;
}

// SD-NAME: PRINTUSASCII except '=', ' ', ']', '"'; 1..32 characters.
std::string sd_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (out.size() == 32) break;
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 33 && u <= 126 && c != '=' && c != ']' && c != '"' ? c : '_');
  }
  return out.empty() ? "_" : out;
}

void sd_param(std::string& out, const std::string& name, const std::string& value) {
  if (value.empty()) return;
  out += ' ';
  out += sd_name(name);
  out += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

int syslog_severity(Sev sev) { return static_cast<int>(sev) + 1; }

std::string format_rfc5424(const Alert& a, const SyslogFormat& f) {
  std::string out = "<" + std::to_string(f.facility * 8 + syslog_severity(a.sev)) + ">1 ";
  out += format_rfc3339(a.time) + " ";
  out += header_field(a.host, 255) + " ";
  out += header_field(f.app_name, 48) + " ";
  out += (f.procid > 0 ? std::to_string(f.procid) : "-") + " ";
  out += header_field(a.rule_id, 32) + " ";
  out += "[" + f.sd_id;
  sd_param(out, "alert_id", a.alert_id);
  sd_param(out, "rule_id", a.rule_id);
  sd_param(out, "sev", sev_name(a.sev));
  sd_param(out, "level", a.level);
  sd_param(out, "source", a.source);
  sd_param(out, "count", std::to_string(a.count));
  sd_param(out, "trace_id", a.trace_id);
  sd_param(out, "title", a.title);
  sd_param(out, "runbook", a.runbook);
  out += "]";
  if (!a.group.empty()) {
    const size_t at = f.sd_id.find('@');
    out += "[group" + (at == std::string::npos ? std::string("@32473") : f.sd_id.substr(at));
    for (const auto& [k, v] : a.group) sd_param(out, k, v);
    out += "]";
  }
  out += " ";
  out += f.message == SyslogFormat::Message::kJson ? a.to_json() : a.title;
  return out;
}

std::string octet_counted(const std::string& message) {
  return std::to_string(message.size()) + " " + message;
}

}  // namespace tripline
