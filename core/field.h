#pragma once
#include <string>
#include <string_view>

namespace tripline {

enum class FieldType : unsigned char { kMissing, kNull, kString, kNumber, kBool, kObject, kArray };

// One extracted field. `text` is the unescaped string, the number or boolean exactly as written in
// the source, or the raw JSON of an object/array.
struct FieldValue {
  FieldType type = FieldType::kMissing;
  std::string text;

  bool present() const { return type != FieldType::kMissing; }
  bool is_null() const { return type == FieldType::kNull; }
  static FieldValue string(std::string s) { return {FieldType::kString, std::move(s)}; }
};

// A field reference resolved once (at rule compile time) and reused for every event.
// Dotted segments address nested objects and array elements: "a.b.0.c".
struct FieldPath {
  FieldPath() = default;
  explicit FieldPath(std::string dotted_name);

  std::string dotted;
  std::string json_pointer;  // RFC 6901 form of `dotted`: "/a/b/0/c"
};

}  // namespace tripline
