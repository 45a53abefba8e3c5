#pragma once
#include <string>
#include <vector>

namespace tripline {

// Reads every record of one CloudTrail delivery file (plain or gzip, {"Records":[...]} or records
// one per line) before any is emitted: a file that is still being written or was cut short fails
// as a whole and is retried later, instead of being half-read. Records are minified JSON objects.
// Returns false with `error` set when the file cannot be read completely.
bool read_delivery_file(const std::string& path, std::vector<std::string>& records,
                        std::string& error);

// True for names CloudTrail delivers events in (*.json, *.json.gz), false for its digest files
// (CloudTrail-Digest) and for the temporary names sync tools write before renaming (hidden files,
// *.tmp, *.part, aws s3 sync's "<name>.<random>").
bool is_delivery_name(const std::string& name);

}  // namespace tripline
