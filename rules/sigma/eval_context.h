#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/field.h"

namespace tripline::sigma {

// A rule's field reference after logsource mapping: the event paths to try, in order.
struct FieldRef {
  std::string name;  // as written in the rule
  std::vector<FieldPath> paths;
  std::string key;  // identity of the path list (index key)
};
FieldRef make_field_ref(std::string name, const std::vector<std::string>& paths);
// The first present path's value, nullptr when none is.
const FieldValue* resolve(const Event& event, const FieldRef& ref);

// Per-evaluation state of one event: the event, its lower-cased raw text (made on first use by a
// case-insensitive keyword) and whether the JSON body failed to read while rules ran.
class EvalContext {
 public:
  explicit EvalContext(const Event& event);
  const Event& event() const { return event_; }
  std::string_view raw() const { return event_.raw(); }
  std::string_view raw_lowered();

 private:
  const Event& event_;
  std::string& lowered_raw_;  // thread-local buffer: no allocation per event
  bool have_lowered_ = false;
};

// One scalar a value test looks at: a field value or one element of an array field. `lowered()`
// is computed once, on first use.
class Subject {
 public:
  Subject(FieldType type, std::string_view text, std::string& buffer)
      : type_(type), text_(text), buffer_(buffer) {}
  FieldType type() const { return type_; }
  std::string_view text() const { return text_; }
  std::string_view lowered();

 private:
  FieldType type_;
  std::string_view text_;
  std::string& buffer_;
  bool have_lowered_ = false;
};

// Splits a JSON array's text into its elements (type, text); objects and nested arrays as raw
// JSON. A field holding an array matches when one of its elements does.
void array_elements(std::string_view json, std::vector<std::pair<FieldType, std::string>>& out);

}  // namespace tripline::sigma
