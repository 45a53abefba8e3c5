#include "collectors/parsers/parser_factory.h"

#include "collectors/parsers/jsonl_parser.h"
#include "collectors/parsers/syslog_parser.h"

namespace tripline {

const std::vector<std::string>& parser_formats() {
  static const std::vector<std::string> formats = {"jsonl", "syslog", "cloudtrail", "k8s-audit",
                                                   "gcp-audit"};
  return formats;
}

std::unique_ptr<Parser> make_parser(const std::string& format,
                                    const std::vector<std::string>& time_fields) {
  if (format == "jsonl" || format == "cloudtrail" || format == "k8s-audit" ||
      format == "gcp-audit") {
    return std::make_unique<JsonlParser>(time_fields);
  }
  // Syslog timestamps are in the header, so time_fields does not apply. Zone-less RFC 3164 times
  // are the agent host's local time, as rsyslog on that host wrote them.
  if (format == "syslog") return std::make_unique<SyslogParser>(TimestampZone::kLocal);
  return nullptr;
}

LogSource default_logsource(const std::string& format) {
  if (format == "syslog") return {"linux", "auth", ""};
  if (format == "cloudtrail") return {"aws", "cloudtrail", ""};
  if (format == "k8s-audit") return {"kubernetes", "audit", ""};
  if (format == "gcp-audit") return {"gcp", "gcp.audit", ""};
  return {};
}

}  // namespace tripline
