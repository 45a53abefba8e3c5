#include "rules/sigma/eval_context.h"

#include <simdjson.h>

#include "rules/sigma/pattern.h"

namespace tripline::sigma {
namespace {

thread_local std::string tls_lowered_raw;

}  // namespace

FieldRef make_field_ref(std::string name, const std::vector<std::string>& paths) {
  FieldRef ref;
  ref.name = std::move(name);
  for (const std::string& p : paths) {
    ref.paths.emplace_back(p);
    if (!ref.key.empty()) ref.key.push_back('\n');
    ref.key += p;
  }
  return ref;
}

const FieldValue* resolve(const Event& event, const FieldRef& ref) {
  for (const FieldPath& p : ref.paths) {
    if (const FieldValue* v = event.find(p)) return v;
  }
  return nullptr;
}

EvalContext::EvalContext(const Event& event) : event_(event), lowered_raw_(tls_lowered_raw) {}

std::string_view EvalContext::raw_lowered() {
  if (!have_lowered_) {
    ascii_lower(event_.raw(), lowered_raw_);
    have_lowered_ = true;
  }
  return lowered_raw_;
}

std::string_view Subject::lowered() {
  if (!have_lowered_) {
    ascii_lower(text_, buffer_);
    have_lowered_ = true;
  }
  return buffer_;
}

void array_elements(std::string_view json, std::vector<std::pair<FieldType, std::string>>& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return;
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) return;
  for (simdjson::dom::element e : arr) {
    switch (e.type()) {
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (!e.get_string().get(s)) out.emplace_back(FieldType::kString, std::string(s));
        break;
      }
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        out.emplace_back(FieldType::kNumber, simdjson::minify(e));
        break;
      case simdjson::dom::element_type::BOOL:
        out.emplace_back(FieldType::kBool, e.get_bool().value() ? "true" : "false");
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        out.emplace_back(FieldType::kNull, std::string());
        break;
      case simdjson::dom::element_type::OBJECT:
        out.emplace_back(FieldType::kObject, simdjson::minify(e));
        break;
      case simdjson::dom::element_type::ARRAY:
        out.emplace_back(FieldType::kArray, simdjson::minify(e));
        break;
    }
  }
}

}  // namespace tripline::sigma
