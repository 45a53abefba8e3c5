#pragma once
#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace tripline {

// The JSON document of a text event (ECS layout): the line as read in event.original, the
// parser's fields beside it, and the line as `message` too unless the parser extracted the
// message part itself. for_each_field(fn) calls fn(name, value) per parsed field, in order.
// Shared by render_event_json and the deferred EventRendering so both give the same bytes.
template <class ForEachField>
std::string render_text_event_json(std::string_view raw, ForEachField&& for_each_field) {
  std::string out;
  out.reserve(raw.size() * 3 + 256);
  JsonWriter w(std::move(out));
  w.begin_object();
  w.key("event.original").value(raw);
  bool has_message = false;
  for_each_field([&](std::string_view name, std::string_view value) {
    w.key(name).value(value);
    has_message = has_message || name == "message";
  });
  if (!has_message) w.key("message").value(raw);
  w.end_object();
  return w.take();
}

}  // namespace tripline
