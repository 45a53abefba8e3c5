#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace tripline {

// Streaming JSON serializer (writing only; all JSON parsing goes through simdjson). Commas are
// inserted automatically; strings are escaped and invalid UTF-8 is replaced with U+FFFD so the
// output is always valid JSON whatever bytes an event carried.
class JsonWriter {
 public:
  JsonWriter() = default;
  // Continues after what `out` already holds (one buffer for many documents); take() returns it.
  explicit JsonWriter(std::string&& out) : out_(std::move(out)) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  // Inserts text that is already valid JSON (e.g. a minified event document).
  JsonWriter& raw_json(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  static void append_escaped(std::string& out, std::string_view s);

 private:
  void before_value();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace tripline
