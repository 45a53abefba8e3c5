#pragma once
#include <memory>
#include <string>
#include <vector>

#include "collectors/parsers/parser.h"
#include "core/logsource.h"

namespace tripline {

// Record formats: jsonl, syslog (RFC 3164 and 5424; sshd lines get sshd fields), cloudtrail
// (one record of a {"Records":[...]} file), k8s-audit (one audit.k8s.io Event), gcp-audit
// (one LogEntry). Returns nullptr for an unknown format.
std::unique_ptr<Parser> make_parser(const std::string& format,
                                    const std::vector<std::string>& time_fields = {});
const std::vector<std::string>& parser_formats();
// The logsource a format implies when the input declares none (syslog → linux/auth).
LogSource default_logsource(const std::string& format);

}  // namespace tripline
