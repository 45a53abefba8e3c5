#include "core/event_rendering.h"

#include <cstring>

#include "core/alert.h"
#include "core/text_event_json.h"

namespace tripline {
namespace {

void put_u32(char*& p, uint32_t v) {
  std::memcpy(p, &v, sizeof v);
  p += sizeof v;
}

uint32_t get_u32(const char*& p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

void put_bytes(char*& p, std::string_view s) {
  put_u32(p, static_cast<uint32_t>(s.size()));
  std::memcpy(p, s.data(), s.size());
  p += s.size();
}

std::string_view get_bytes(const char*& p) {
  const uint32_t n = get_u32(p);
  const std::string_view s(p, n);
  p += n;
  return s;
}

}  // namespace

std::shared_ptr<const EventRendering> EventRendering::capture(const Event& event) {
  auto r = std::make_shared<EventRendering>();
  std::shared_ptr<const std::string> cached = event.cached_rendering();
  // JSON bodies render as the validated, minified body: done now, as before (rare in windows
  // next to text events, and the validation needs the event's JSON error state).
  if (!cached && event.body() == Event::Body::kJson) cached = shared_event_json(event);
  if (cached) {
    r->bytes_ = sizeof(EventRendering) + cached->capacity() + 1;
    r->rendered_ = std::move(cached);
    return r;
  }
  const std::string_view raw = event.raw();
  size_t size = raw.size();
  bool too_big = raw.size() > UINT32_MAX;
  event.for_each_parsed_field([&](std::string_view name, const FieldValue& value) {
    size += 2 * sizeof(uint32_t) + name.size() + value.text.size();
    too_big = too_big || name.size() > UINT32_MAX || value.text.size() > UINT32_MAX;
  });
  if (too_big) {
    r->rendered_ = shared_event_json(event);
    r->bytes_ = sizeof(EventRendering) + r->rendered_->capacity() + 1;
    return r;
  }
  r->snapshot_.resize(size);
  char* p = r->snapshot_.data();
  std::memcpy(p, raw.data(), raw.size());
  p += raw.size();
  event.for_each_parsed_field([&](std::string_view name, const FieldValue& value) {
    put_bytes(p, name);
    put_bytes(p, value.text);
  });
  r->raw_size_ = static_cast<uint32_t>(raw.size());
  r->bytes_ = sizeof(EventRendering) + r->snapshot_.capacity() + 1;
  return r;
}

std::shared_ptr<const EventRendering> EventRendering::from_json(std::string json) {
  auto r = std::make_shared<EventRendering>();
  r->bytes_ = sizeof(EventRendering) + json.capacity() + 1;
  r->rendered_ = std::make_shared<const std::string>(std::move(json));
  return r;
}

const std::string& EventRendering::json() const {
  if (rendered_) return *rendered_;
  std::call_once(once_, [this] { render(); });
  return json_;
}

void EventRendering::render() const {
  const std::string_view snapshot(snapshot_);
  const std::string_view raw = snapshot.substr(0, raw_size_);
  json_ = render_text_event_json(raw, [&](auto&& fn) {
    const char* p = snapshot.data() + raw_size_;
    const char* const end = snapshot.data() + snapshot.size();
    while (p < end) {
      const std::string_view name = get_bytes(p);
      const std::string_view value = get_bytes(p);
      fn(name, value);
    }
  });
}

}  // namespace tripline
