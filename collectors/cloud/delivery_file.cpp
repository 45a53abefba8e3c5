#include "collectors/cloud/delivery_file.h"

#include "collectors/record_reader.h"

namespace tripline {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool read_delivery_file(const std::string& path, std::vector<std::string>& records,
                        std::string& error) {
  records.clear();
  auto reader = RecordReader::open(path, error);
  if (!reader) return false;
  const std::string_view head = reader->head();
  if (!reader->error().empty()) {
    error = reader->error();
    return false;
  }
  const SniffResult framing = framing_for_format("cloudtrail", head);
  reader->set_framing(framing.framing, framing.array_key);
  RecordReader::Record record;
  while (reader->next(record)) {
    if (record.truncated) {
      error = "record longer than the line limit";
      records.clear();
      return false;
    }
    records.emplace_back(record.bytes);
  }
  if (!reader->error().empty()) {
    error = reader->error();
    records.clear();
    return false;
  }
  // A delivery document that stops mid-way fails above; lines that stop mid-way end with an
  // incomplete object, which is as much a sign of a file still being written.
  if (framing.framing == Framing::kLines && !records.empty() &&
      records.back().find_last_not_of(" \t\r") != std::string::npos &&
      records.back()[records.back().find_last_not_of(" \t\r")] != '}') {
    error = "last record incomplete";
    records.clear();
    return false;
  }
  return true;
}

bool is_delivery_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  if (name.find("CloudTrail-Digest") != std::string::npos) return false;
  return ends_with(name, ".json") || ends_with(name, ".json.gz");
}

}  // namespace tripline
