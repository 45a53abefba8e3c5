#include "exporters/privacy/json_redactor.h"

#include <simdjson.h>

#include <utility>

#include "core/json_writer.h"

namespace tripline {
namespace {

namespace od = simdjson::ondemand;
using Action = FieldSelection::Action;

// One pass over a document; with a writer it rewrites, without one it collects.
class Walker {
 public:
  Walker(const FieldSelection& selection, const Pseudonymizer* pseudonymizer,
         ValueScrubber& scrubber, JsonWriter* writer)
      : selection_(selection), pseudonymizer_(pseudonymizer), scrubber_(scrubber), w_(writer) {}

  bool object(od::object obj, Action inherited) {
    if (w_) w_->begin_object();
    for (auto member : obj) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
      const size_t mark = path_.size();
      if (!path_.empty()) path_.push_back('.');
      path_.append(key);
      const Action action = inherited != Action::kKeep ? inherited : selection_.action_for(path_);
      bool ok = true;
      // A dropped member is never written; on-demand skips its value when we move on.
      if (!(w_ && action == Action::kDrop)) {
        if (w_) w_->key(key);
        ok = value(field.value(), action);
      }
      path_.resize(mark);
      if (!ok) return false;
    }
    if (w_) w_->end_object();
    return true;
  }

  bool array(od::array arr, Action action) {
    if (w_) w_->begin_array();
    for (auto element : arr) {
      od::value v;
      if (std::move(element).get(v) || !value(v, action)) return false;
    }
    if (w_) w_->end_array();
    return true;
  }

  bool value(od::value v, Action action) {
    od::json_type type;
    if (v.type().get(type)) return false;
    switch (type) {
      case od::json_type::object: {
        od::object o;
        return !v.get_object().get(o) && object(o, action);
      }
      case od::json_type::array: {
        od::array a;
        return !v.get_array().get(a) && array(a, action);
      }
      case od::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        leaf(s, action, Kind::kString);
        return true;
      }
      case od::json_type::number: {
        // Copied as written (1.10 stays 1.10, big integers survive), so it must be checked: the
        // on-demand type only looked at its first byte. get_double() accepts every JSON number.
        const std::string_view raw = simdjson::trim(v.raw_json_token());
        double ignored = 0;
        if (v.get_double().get(ignored)) return false;
        leaf(raw, action, Kind::kNumber);
        return true;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (v.get_bool().get(b)) return false;
        leaf(b ? "true" : "false", action, Kind::kBool);
        return true;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (v.is_null().get(is_null) || !is_null) return false;
        if (w_) w_->null();
        return true;
      }
    }
    return false;
  }

 private:
  enum class Kind { kString, kNumber, kBool };

  void leaf(std::string_view text, Action action, Kind kind) {
    if (!w_) {
      // true/false are no identifiers, and collecting them would rewrite every flag.
      if (kind == Kind::kBool || action == Action::kKeep) return;
      if (action == Action::kHash) {
        scrubber_.add(text, pseudonymizer_->token(text), true);
      } else {
        scrubber_.add(text, std::string(JsonRedactor::kRedacted), false);
      }
      return;
    }
    if (action == Action::kHash) {
      w_->value(pseudonymizer_->token(text));
      return;
    }
    if (kind == Kind::kString) {
      w_->value(scrubber_.scrub(text));
    } else if (const std::string* replaced = scrubber_.exact(text);
               replaced && kind == Kind::kNumber) {
      w_->value(*replaced);
    } else if (kind == Kind::kNumber) {
      w_->raw_json(text);
    } else {
      w_->value(text == "true");
    }
  }

  const FieldSelection& selection_;
  const Pseudonymizer* pseudonymizer_;
  ValueScrubber& scrubber_;
  JsonWriter* w_;
  std::string path_;
};

}  // namespace

FieldSelection::Action FieldSelection::action_for(const std::string& path) const {
  if (drop.count(path)) return Action::kDrop;
  if (hash.count(path)) return Action::kHash;
  return Action::kKeep;
}

bool JsonRedactor::walk(std::string_view json, JsonWriter* writer) {
  thread_local od::parser parser;
  const simdjson::padded_string padded(json);
  od::document doc;
  if (parser.iterate(padded).get(doc)) return false;
  Walker walker(selection_, pseudonymizer_, scrubber_, writer);
  od::json_type type;
  if (doc.type().get(type)) return false;
  bool ok = false;
  if (type == od::json_type::object) {
    od::object o;
    ok = !doc.get_object().get(o) && walker.object(o, Action::kKeep);
  } else if (type == od::json_type::array) {
    od::array a;
    ok = !doc.get_array().get(a) && walker.array(a, Action::kKeep);
  }
  return ok;
}

bool JsonRedactor::collect(std::string_view json) { return walk(json, nullptr); }

bool JsonRedactor::embedded_json(std::string_view event_json, std::string& raw) {
  thread_local od::parser parser;
  const simdjson::padded_string padded(event_json);
  od::document doc;
  std::string_view original;
  if (parser.iterate(padded).get(doc) || doc["event.original"].get_string().get(original)) {
    return false;
  }
  const size_t first = original.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (original[first] != '{' && original[first] != '[')) {
    return false;
  }
  raw.assign(original);
  return true;
}

bool JsonRedactor::rewrite(std::string_view json, std::string& out) {
  JsonWriter w;
  if (!walk(json, &w)) return false;
  out = w.take();
  return true;
}

}  // namespace tripline
