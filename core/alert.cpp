#include "core/alert.h"

#include <simdjson.h>

#include "core/digest.h"
#include "core/json_writer.h"
#include "core/text_event_json.h"
#include "core/time_util.h"

namespace tripline {
namespace {

void write_pairs(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.begin_object();
  for (const auto& [k, v] : pairs) w.key(k).value(v);
  w.end_object();
}

}  // namespace

std::string Alert::to_json() const {
  std::string out;
  append_json(out);
  return out;
}

void Alert::append_json(std::string& out) const {
  JsonWriter w(std::move(out));
  w.begin_object();
  w.key("alert_id").value(alert_id);
  w.key("rule_id").value(rule_id);
  w.key("title").value(title);
  w.key("sev").value(sev_name(sev));
  w.key("level").value(level);
  w.key("time").value(format_rfc3339(time));
  w.key("host").value(host);
  w.key("source").value(source);
  w.key("logsource").begin_object();
  if (!logsource.product.empty()) w.key("product").value(logsource.product);
  if (!logsource.service.empty()) w.key("service").value(logsource.service);
  if (!logsource.category.empty()) w.key("category").value(logsource.category);
  w.end_object();
  w.key("group");
  write_pairs(w, group);
  w.key("count").value(count);
  w.key("tags").begin_array();
  for (const auto& t : tags) w.value(t);
  w.end_array();
  w.key("events").begin_array();
  for (const auto& e : events) w.raw_json(e);
  w.end_array();
  w.key("trace_id").value(trace_id);
  if (ends_at) w.key("ends_at").value(format_rfc3339(*ends_at));
  if (!runbook.empty()) w.key("runbook").value(runbook);
  if (!change_id.empty()) w.key("change_id").value(change_id);
  if (!fields.empty()) {
    w.key("fields");
    write_pairs(w, fields);
  }
  if (!enrichment.empty()) {
    w.key("enrichment");
    write_pairs(w, enrichment);
  }
  w.end_object();
  out = w.take();
}

std::string render_event_json(const Event& event) {
  if (event.body() == Event::Body::kJson && !event.json_error()) {
    // Alerts are rare next to events, so a full validation here is cheap and guarantees the
    // alert line stays valid JSON even when the body was malformed past the fields rules read.
    thread_local simdjson::dom::parser validator;
    const std::string_view raw = event.raw();
    simdjson::dom::element doc;
    if (!validator.parse(raw.data(), raw.size(), true).get(doc)) {
      std::string minified(raw.size(), '\0');
      size_t len = 0;
      if (!simdjson::minify(raw.data(), raw.size(), minified.data(), len)) {
        minified.resize(len);
        return minified;
      }
    }
  }
  return render_text_event_json(event.raw(), [&](auto&& fn) {
    event.for_each_parsed_field(
        [&](std::string_view name, const FieldValue& value) { fn(name, value.text); });
  });
}

std::shared_ptr<const std::string> shared_event_json(const Event& event) {
  if (auto cached = event.cached_rendering()) return cached;
  auto rendered = std::make_shared<const std::string>(render_event_json(event));
  event.cache_rendering(rendered);
  return rendered;
}

std::string event_identity(const Event& event) {
  for (const char* id_field : {"eventID", "auditID", "insertId"}) {
    if (event.body() != Event::Body::kJson) break;
    const FieldValue* v = event.find(id_field);
    if (v && v->type == FieldType::kString && !v->text.empty()) return v->text;
  }
  const InputPosition& p = event.position();
  // A generation outlives renames and ends at truncation: the same line keeps its identity when
  // read again after a crash under the file's rotated name, and a new line written at an old
  // offset after a copytruncate gets a new one (else dedup downstream would drop it).
  if (!p.generation.empty()) {
    return std::string(event.source()) + "|" + p.generation + "|" + std::to_string(p.offset);
  }
  return std::string(event.source()) + "|" + p.origin + "|" + std::to_string(p.offset);
}

std::string extract_trace_id(const Event& event) {
  for (const char* name : {"traceId", "trace_id", "correlation_id", "correlationId"}) {
    const FieldValue* v = event.find(name);
    if (v && (v->type == FieldType::kString || v->type == FieldType::kNumber)) return v->text;
  }
  return {};
}

Alert alert_from_event(const Event& event, std::string rule_id) {
  Alert a;
  a.alert_id = sha256_hex(rule_id + "\n" + event_identity(event), 32);
  a.rule_id = std::move(rule_id);
  a.time = event.event_time();
  a.host = std::string(event.host());
  a.source = std::string(event.source());
  a.logsource = event.logsource();
  a.trace_id = extract_trace_id(event);
  if (event.input()) a.enrichment = event.input()->static_fields;
  a.events.push_back(*shared_event_json(event));
  return a;
}

}  // namespace tripline
