#include "collectors/parsers/parser_factory.h"

#include "collectors/parsers/jsonl_parser.h"

namespace tripline {

const std::vector<std::string>& parser_formats() {
  static const std::vector<std::string> formats = {"jsonl", "cloudtrail", "k8s-audit",
                                                   "gcp-audit"};
  return formats;
}

std::unique_ptr<Parser> make_parser(const std::string& format,
                                    const std::vector<std::string>& time_fields) {
  if (format == "jsonl" || format == "cloudtrail" || format == "k8s-audit" ||
      format == "gcp-audit") {
    return std::make_unique<JsonlParser>(time_fields);
  }
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
