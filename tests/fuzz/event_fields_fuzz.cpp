// JSON event reader: the JSON lines parser (body kind, UTF-8 repair, event time) and Event field
// extraction (simdjson on-demand by JSON pointer, the flattened-key fallback, array indices) over
// arbitrary bytes, as rules read fields.
// Property: a field's value does not depend on which fields were read before it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "collectors/parsers/jsonl_parser.h"
#include "core/event.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using tripline::Event;
using tripline::FieldPath;
using tripline::FieldValue;

// Paths of the shapes rules use: top level, nested, array elements, flattened ECS keys, escapes.
const std::array<FieldPath, 14>& paths() {
  static const std::array<FieldPath, 14> p = {
      FieldPath("eventName"),
      FieldPath("userIdentity.type"),
      FieldPath("userIdentity.sessionContext.attributes.mfaAuthenticated"),
      FieldPath("requestParameters.policyDocument"),
      FieldPath("resources.0.ARN"),
      FieldPath("items.1.auditID"),
      FieldPath("a.b.0.c"),
      FieldPath("0"),
      FieldPath("user.name"),
      FieldPath("objectRef.resource"),
      FieldPath("a~b/c"),
      FieldPath(""),
      FieldPath("responseElements"),
      FieldPath("x.-1"),
  };
  return p;
}

struct Read {
  bool present;
  FieldValue value;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tripline::JsonlParser parser;
  static const auto input = std::make_shared<tripline::InputInfo>(
      tripline::InputInfo{"fuzz", "fuzz-host", {"myapp", "audit", ""}, {{"env", "prod"}}});
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  Event forward(input, raw);
  parser.parse(forward);
  Event backward(input, raw);
  parser.parse(backward);

  const auto& p = paths();
  std::array<Read, 14> first{};
  for (size_t i = 0; i < p.size(); ++i) {
    const FieldValue* v = forward.find(p[i]);
    first[i] = {v != nullptr, v ? *v : FieldValue{}};
    // A second lookup is served from the cache and must agree.
    const FieldValue* again = forward.find(p[i].dotted);
    tripline::fuzz::check((again != nullptr) == (v != nullptr));
  }
  for (size_t i = p.size(); i-- > 0;) {
    const FieldValue* v = backward.find(p[i]);
    if (forward.json_error() || backward.json_error()) continue;
    tripline::fuzz::check((v != nullptr) == first[i].present);
    if (v) {
      tripline::fuzz::check(v->type == first[i].value.type);
      tripline::fuzz::check(v->text == first[i].value.text);
    }
  }
  // Static fields fill in for absent ones; parser-set fields win over the body.
  tripline::fuzz::check(forward.text("env") == "prod" || forward.find("env") != nullptr);
  backward.set_field("eventName", "overridden");
  tripline::fuzz::check(backward.text("eventName") == "overridden");
  return 0;
}
