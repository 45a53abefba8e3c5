#include "core/event.h"

#include <simdjson.h>

#include <atomic>
#include <cstring>

namespace tripline {
namespace {

std::atomic<uint64_t> next_serial{1};

// One on-demand parser per thread. The document of the event read last is kept so that several
// field lookups on one event pay for simdjson's structural pass once.
struct ThreadJson {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  uint64_t owner = 0;
  const char* buffer = nullptr;
};
thread_local ThreadJson tls_json;

bool to_field_value(simdjson::ondemand::value v, FieldValue& out) {
  simdjson::ondemand::json_type type;
  if (v.type().get(type)) return false;
  switch (type) {
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      out = {FieldType::kString, std::string(s)};
      return true;
    }
    case simdjson::ondemand::json_type::number:
      out = {FieldType::kNumber, std::string(simdjson::trim(v.raw_json_token()))};
      return true;
    case simdjson::ondemand::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return false;
      out = {FieldType::kBool, b ? "true" : "false"};
      return true;
    }
    case simdjson::ondemand::json_type::null:
      out = {FieldType::kNull, {}};
      return true;
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object o;
      std::string_view raw;
      if (v.get_object().get(o) || o.raw_json().get(raw)) return false;
      out = {FieldType::kObject, std::string(raw)};
      return true;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array a;
      std::string_view raw;
      if (v.get_array().get(a) || a.raw_json().get(raw)) return false;
      out = {FieldType::kArray, std::string(raw)};
      return true;
    }
  }
  return false;
}

}  // namespace

Event::Event(std::shared_ptr<const InputInfo> input, std::string_view raw)
    : input_(std::move(input)), raw_size_(raw.size()), serial_(next_serial++) {
  raw_.reserve(raw.size() + simdjson::SIMDJSON_PADDING);
  raw_.assign(raw);
  raw_.append(simdjson::SIMDJSON_PADDING, '\0');
  if (input_) logsource_ = input_->logsource;
}

void Event::reset(std::shared_ptr<const InputInfo> input, std::string_view raw) {
  input_ = std::move(input);
  raw_.reserve(raw.size() + simdjson::SIMDJSON_PADDING);
  raw_.assign(raw);
  raw_.append(simdjson::SIMDJSON_PADDING, '\0');
  raw_size_ = raw.size();
  serial_ = next_serial++;
  body_ = Body::kText;
  json_error_ = false;
  if (input_) {
    logsource_ = input_->logsource;
  } else {
    logsource_ = LogSource{};
  }
  receive_time_ = TimePoint{};
  event_time_ = TimePoint{};
  position_.origin.clear();
  position_.offset = position_.end_offset = 0;
  position_.generation.clear();
  fields_.reuse();
  rendered_.reset();
  rendered_error_ = false;
}

void Event::replace_raw(std::string_view raw) {
  raw_.assign(raw);
  raw_size_ = raw.size();
  raw_.append(simdjson::SIMDJSON_PADDING, '\0');
  serial_ = next_serial++;
  fields_.clear();
  json_error_ = false;
  rendered_.reset();
}

std::string_view Event::source() const {
  return input_ ? std::string_view(input_->name) : std::string_view();
}

std::string_view Event::host() const {
  return input_ ? std::string_view(input_->host) : std::string_view();
}

bool Event::read_json_field(const FieldPath& path, FieldValue& out) const {
  out = {};
  if (body_ != Body::kJson) return false;
  ThreadJson& tj = tls_json;
  if (tj.owner != serial_ || tj.buffer != raw_.data()) {
    tj.owner = 0;
    tj.buffer = raw_.data();
    simdjson::padded_string_view view(raw_.data(), raw_size_, raw_.size());
    if (tj.parser.iterate(view).get(tj.doc)) {
      json_error_ = true;
      return false;
    }
    tj.owner = serial_;
  }
  simdjson::ondemand::value v;
  auto err = tj.doc.at_pointer(path.json_pointer).get(v);
  if (err == simdjson::SUCCESS) {
    if (to_field_value(v, out)) return true;
    json_error_ = true;
    tj.owner = 0;
    return false;
  }
  if (err != simdjson::NO_SUCH_FIELD && err != simdjson::INDEX_OUT_OF_BOUNDS &&
      err != simdjson::INCORRECT_TYPE) {
    json_error_ = true;
    tj.owner = 0;
    return false;
  }
  // Flattened producers (ECS-style "user.name" keys) write the dotted name as one key.
  if (path.dotted.find('.') != std::string::npos) {
    simdjson::ondemand::object obj;
    tj.doc.rewind();
    err = tj.doc.get_object().get(obj);
    if (err == simdjson::SUCCESS) err = obj.find_field_unordered(path.dotted).get(v);
    if (err == simdjson::SUCCESS && to_field_value(v, out)) return true;
    if (err != simdjson::NO_SUCH_FIELD && err != simdjson::INCORRECT_TYPE) {
      // A malformed body found while scanning for the key leaves simdjson's iterator abandoned
      // (no parser): the document must not be rewound again (found by fuzz_event_fields).
      json_error_ = true;
      tj.owner = 0;
    }
  }
  return false;
}

bool Event::has_static_field(std::string_view dotted) const {
  if (!input_) return false;
  for (const auto& [name, v] : input_->static_fields) {
    if (name == dotted) return true;
  }
  return false;
}

Event::CachedField* Event::find_live(std::string_view name) const {
  return fields_.find(name, name_tag(name));
}

Event::CachedField& Event::next_slot(uint64_t tag) const { return fields_.next(tag); }

const FieldValue* Event::lookup(std::string_view dotted, const FieldPath* path) const {
  if (const CachedField* f = find_live(dotted)) {
    return f->value.present() ? &f->value : nullptr;
  }
  // A text event has no body to read: a field its parser did not set is looked for among the
  // static fields only, and a miss is not worth a cache entry (an allocation per lookup).
  if (body_ != Body::kJson && !has_static_field(dotted)) return nullptr;
  FieldValue value;
  if (body_ == Body::kJson) {
    if (path) {
      read_json_field(*path, value);
    } else {
      read_json_field(FieldPath(std::string(dotted)), value);
    }
  }
  if (!value.present() && input_) {
    for (const auto& [name, v] : input_->static_fields) {
      if (name == dotted) {
        value = FieldValue::string(v);
        break;
      }
    }
  }
  CachedField& slot = next_slot(name_tag(dotted));
  slot.name.assign(dotted);
  slot.value = std::move(value);
  slot.parsed = false;
  return slot.value.present() ? &slot.value : nullptr;
}

const FieldValue* Event::find(const FieldPath& path) const { return lookup(path.dotted, &path); }

const FieldValue* Event::find(std::string_view dotted) const { return lookup(dotted, nullptr); }

std::string_view Event::text(std::string_view dotted) const {
  const FieldValue* v = find(dotted);
  return v ? std::string_view(v->text) : std::string_view();
}

void Event::set_field(std::string name, FieldValue value) {
  rendered_.reset();
  const uint64_t tag = name_tag(name);
  CachedField* f = fields_.find(name, tag);
  if (!f) {
    f = &next_slot(tag);
    f->name = std::move(name);
  }
  f->value = std::move(value);
  f->parsed = true;
}

void Event::set_field_text_tagged(std::string_view name, uint64_t tag, std::string_view text,
                                  FieldType type) {
  rendered_.reset();
  CachedField* f = fields_.find(name, tag);
  if (!f) {
    uint64_t previous_tag = 0;
    f = &fields_.next(tag, &previous_tag);
    // A reused slot usually held this very field on the previous line of the same shape; the
    // tag holds a name of up to 7 bytes whole (and its length), longer ones are compared.
    if (previous_tag != tag || f->name.size() != name.size() ||
        (name.size() > 7 && std::memcmp(f->name.data(), name.data(), name.size()) != 0)) {
      f->name.assign(name);
    }
  }
  f->value.type = type;
  f->value.text.assign(text);
  f->parsed = true;
}

std::vector<std::pair<std::string_view, const FieldValue*>> Event::parsed_fields() const {
  std::vector<std::pair<std::string_view, const FieldValue*>> out;
  for_each_parsed_field([&](std::string_view name, const FieldValue& v) {
    out.emplace_back(name, &v);
  });
  return out;
}

}  // namespace tripline
