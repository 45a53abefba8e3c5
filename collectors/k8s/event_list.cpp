#include "collectors/k8s/event_list.h"

#include <simdjson.h>

namespace tripline {
namespace {

// An item is an audit event when it is an object with a string auditID.
bool take_item(simdjson::ondemand::value item, AuditBatch& out, bool& syntax_error) {
  simdjson::ondemand::object obj;
  std::string_view raw;
  if (item.get_object().get(obj)) return false;
  if (obj.raw_json().get(raw)) {
    syntax_error = true;
    return false;
  }
  std::string minified(raw.size(), '\0');
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), minified.data(), len)) {
    syntax_error = true;
    return false;
  }
  minified.resize(len);
  // Re-read the minified copy for the auditID check so the outer iteration is not disturbed.
  // One parser per thread: a parser allocates buffers on first use.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view audit_id;
  if (parser.parse(minified).get(doc) || doc["auditID"].get_string().get(audit_id) ||
      audit_id.empty()) {
    return false;
  }
  out.events.push_back(std::move(minified));
  return true;
}

}  // namespace

AuditBatch split_audit_body(std::string_view body) {
  AuditBatch out;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  // The on-demand pass below stops reading after "items" and would keep the items of a body
  // whose rest is broken; a body that is not well-formed JSON is rejected whole, so it is
  // validated first (found by fuzz_k8s_event_list).
  thread_local simdjson::dom::parser validator;
  if (validator.parse(padded).error()) {
    out.error = "body is not well-formed JSON";
    return out;
  }
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(root)) {
    out.error = "body is not a JSON object";
    return out;
  }
  std::string_view kind;
  simdjson::ondemand::array items;
  bool have_items = false, syntax_error = false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) {
      syntax_error = true;
      break;
    }
    if (key == "kind") {
      if (field.value().get_string().get(kind)) kind = {};
    } else if (key == "items") {
      if (field.value().get_array().get(items)) {
        out.error = "\"items\" is not an array";
        return out;
      }
      have_items = true;
      for (auto item : items) {
        simdjson::ondemand::value v;
        if (item.get(v)) {
          syntax_error = true;
          break;
        }
        if (!take_item(v, out, syntax_error)) {
          if (syntax_error) break;
          ++out.rejected;
        }
      }
      break;  // the rest of the document is metadata
    }
  }
  if (!have_items && !syntax_error) {
    // Not an EventList: a single Event object.
    if (kind != "Event") {
      out.error = "body is neither an audit.k8s.io EventList nor an Event";
      return out;
    }
    simdjson::ondemand::document single;
    simdjson::ondemand::value v;
    if (parser.iterate(padded).get(single) || single.get_value().get(v) ||
        !take_item(v, out, syntax_error)) {
      out.error = "Event has no auditID";
      out.rejected = 1;
    }
    return out;
  }
  if (syntax_error) {
    out.error = "body is not valid JSON after item " + std::to_string(out.events.size() + out.rejected);
  } else if (out.rejected) {
    out.error = std::to_string(out.rejected) + " item(s) are not audit events";
  }
  return out;
}

}  // namespace tripline
