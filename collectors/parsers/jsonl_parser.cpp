#include "collectors/parsers/jsonl_parser.h"

#include <simdjson.h>

#include <charconv>

#include "core/time_util.h"
#include "core/utf8.h"

namespace tripline {
namespace {

std::optional<TimePoint> time_from_number(const std::string& text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v <= 0) return std::nullopt;
  // Epoch milliseconds are what most producers write when the value is this large.
  const double seconds = v > 1e12 ? v / 1000.0 : v;
  // system_clock counts nanoseconds in 64 bits (up to April 2262): a larger value is no time,
  // and converting it would overflow.
  if (!(seconds < 9.2e9)) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds)));
}

bool looks_like_object(std::string_view raw) {
  size_t b = 0, e = raw.size();
  while (b < e && (raw[b] == ' ' || raw[b] == '\t' || raw[b] == '\r')) ++b;
  while (e > b && (raw[e - 1] == ' ' || raw[e - 1] == '\t' || raw[e - 1] == '\r')) --e;
  return e - b >= 2 && raw[b] == '{' && raw[e - 1] == '}';
}

}  // namespace

JsonlParser::JsonlParser(std::vector<std::string> time_fields) {
  if (time_fields.empty()) {
    time_fields = {"eventTime", "requestReceivedTimestamp", "timestamp", "@timestamp", "time",
                   "ts"};
  }
  for (auto& f : time_fields) time_fields_.emplace_back(std::move(f));
}

bool JsonlParser::parse(Event& event) const {
  if (!looks_like_object(event.raw())) {
    event.set_body(Event::Body::kText);
    return false;
  }
  event.set_body(Event::Body::kJson);
  // One bad byte in one string value should not hide the whole record from the rules: repair
  // invalid UTF-8 (as U+FFFD) and read the record as JSON after all.
  if (!simdjson::validate_utf8(event.raw().data(), event.raw().size())) {
    event.replace_raw(sanitize_utf8(event.raw()));
  }
  FieldValue v;
  for (const FieldPath& path : time_fields_) {
    if (!event.read_json_field(path, v)) {
      if (event.json_error()) break;
      continue;
    }
    std::optional<TimePoint> t;
    if (v.type == FieldType::kString) t = parse_rfc3339(v.text);
    else if (v.type == FieldType::kNumber) t = time_from_number(v.text);
    if (t) {
      event.set_event_time(*t);
      break;
    }
  }
  if (event.json_error()) {
    event.set_body(Event::Body::kText);
    return false;
  }
  return true;
}

}  // namespace tripline
