#pragma once
#include <string>
#include <string_view>
#include <unordered_set>

#include "exporters/privacy/pseudonymizer.h"
#include "exporters/privacy/value_scrubber.h"

namespace tripline {

class JsonWriter;

// The fields of one alert's logsource that are pseudonymised or dropped, by dotted path. A path
// names an object member however it is spelled: {"user":{"name":..}} and {"user.name":..} are both
// `user.name`; array elements share their array's path; a selected object or array applies to
// everything below it.
struct FieldSelection {
  enum class Action { kKeep, kHash, kDrop };
  std::unordered_set<std::string> hash;
  std::unordered_set<std::string> drop;

  bool empty() const { return hash.empty() && drop.empty(); }
  Action action_for(const std::string& path) const;
};

// Rewrites one JSON document (an alert's event) in two passes over simdjson on-demand: collect()
// records the raw values of the selected fields in the scrubber (pseudonym or drop marker);
// rewrite() then writes the document through JsonWriter with selected fields hashed or removed
// and every other string scrubbed of the collected values. Numbers are copied as written.
class JsonRedactor {
 public:
  // `pseudonymizer` may be null when the selection hashes nothing.
  JsonRedactor(const FieldSelection& selection, const Pseudonymizer* pseudonymizer,
               ValueScrubber& scrubber)
      : selection_(selection), pseudonymizer_(pseudonymizer), scrubber_(scrubber) {}

  // False when `json` is not a readable JSON object or array.
  bool collect(std::string_view json);
  bool rewrite(std::string_view json, std::string& out);

  // The raw line of a text-rendered event ({"event.original": ...}) when it is itself a JSON
  // document: a JSON body that failed validation is rendered that way, and its fields must still
  // be found. False when there is none.
  static bool embedded_json(std::string_view event_json, std::string& raw);

  // The marker a dropped value leaves where it also appeared inside another string.
  static constexpr std::string_view kRedacted = "[redacted]";

 private:
  bool walk(std::string_view json, JsonWriter* writer);

  const FieldSelection& selection_;
  const Pseudonymizer* pseudonymizer_;
  ValueScrubber& scrubber_;
};

}  // namespace tripline
