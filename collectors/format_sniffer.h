#pragma once
#include <string>
#include <string_view>

#include "core/logsource.h"

namespace tripline {

// How records are cut out of a file.
enum class Framing {
  kLines,         // one record per line (JSON lines, syslog, k8s audit log backend)
  kRecordsArray,  // a JSON document holding the records in an array: CloudTrail's
                  // {"Records":[...]}, Kubernetes' {"kind":"EventList","items":[...]}
};

struct SniffResult {
  std::string format;  // one of parser_formats()
  Framing framing = Framing::kLines;
  std::string array_key;  // "Records" or "items" for kRecordsArray; "" = the document is the array
  LogSource logsource;    // what the content says it is; empty when unknown
};

// Guesses the format from the first bytes of a (decompressed) file: CloudTrail delivery files,
// Kubernetes audit EventLists or audit log lines, GCP audit LogEntries, JSON lines (CloudTrail
// records one per line are recognised as aws/cloudtrail), otherwise syslog.
SniffResult sniff_format(std::string_view head);
// The framing for an explicitly named format, refined by the content (a "cloudtrail" file may be
// a delivery document or records one per line).
SniffResult framing_for_format(const std::string& format, std::string_view head);

}  // namespace tripline
