#include "rules/correlation/group_state.h"

namespace tripline::correlation {
namespace {

size_t heap(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

// make_shared's control block next to the rendering object.
constexpr size_t kSharedOverhead = 16;

bool get_int(simdjson::dom::element e, int64_t& out) { return !e.get(out); }

}  // namespace

size_t Entry::memory_bytes() const {
  // A shared rendering is counted in full by every entry holding it: an upper bound.
  size_t n = heap(value) + events.heap_bytes();
  events.for_each([&](const EventJson& e) { n += kSharedOverhead + e->memory_bytes(); });
  return n;
}

size_t GroupState::memory_bytes() const {
  size_t n = entries.capacity() * sizeof(Entry) + heap(host) + heap(source);
  for (const Entry& e : entries) n += e.memory_bytes();
  return n;
}

void GroupState::recycle() {
  entries.clear();
  absorbed_until = kNoTime;
  window_start = kNoTime;
  closed_until = kNoTime;
  host.clear();
  source.clear();
}

size_t GroupState::events_held() const {
  size_t n = 0;
  for (const Entry& e : entries) n += e.events.size();
  return n;
}

// {"e":[[start,end,slot,count,number,value,[events...]],...],"a":absorbed,"w":window,"c":closed,
//  "h":host,"s":source}; kNoTime is written as null.
void GroupState::encode(JsonWriter& w) const {
  const auto time = [&](int64_t t) {
    if (t == kNoTime) {
      w.null();
    } else {
      w.value(t);
    }
  };
  w.begin_object().key("e").begin_array();
  for (const Entry& e : entries) {
    w.begin_array().value(e.start_ms).value(e.end_ms).value(static_cast<uint64_t>(e.slot));
    w.value(static_cast<uint64_t>(e.count)).value(e.number).value(e.value).begin_array();
    e.events.for_each([&](const EventJson& ev) { w.raw_json(ev->json()); });
    w.end_array().end_array();
  }
  w.end_array();
  w.key("a");
  time(absorbed_until);
  w.key("w");
  time(window_start);
  w.key("c");
  time(closed_until);
  w.key("h").value(host).key("s").value(source).end_object();
}

bool GroupState::decode(simdjson::dom::element e) {
  simdjson::dom::object obj;
  simdjson::dom::array list;
  if (e.get(obj) || obj["e"].get(list)) return false;
  entries.clear();
  for (simdjson::dom::element item : list) {
    simdjson::dom::array a;
    if (item.get(a) || a.size() != 7) return false;
    Entry en;
    int64_t slot = 0, count = 0;
    std::string_view value;
    simdjson::dom::array events;
    if (!get_int(a.at(0).value_unsafe(), en.start_ms) ||
        !get_int(a.at(1).value_unsafe(), en.end_ms) || !get_int(a.at(2).value_unsafe(), slot) ||
        !get_int(a.at(3).value_unsafe(), count) || a.at(4).get(en.number) ||
        a.at(5).get(value) || a.at(6).get(events) || slot < 0 || count < 0) {
      return false;
    }
    en.slot = static_cast<uint32_t>(slot);
    en.count = static_cast<uint32_t>(count);
    en.value.assign(value);
    for (simdjson::dom::element ev : events) {
      en.events.push_back(EventRendering::from_json(simdjson::minify(ev)));
    }
    entries.push_back(std::move(en));
  }
  const auto time = [&](const char* key, int64_t& out) {
    simdjson::dom::element v;
    if (obj[key].get(v)) return false;
    if (v.is_null()) {
      out = kNoTime;
      return true;
    }
    return get_int(v, out);
  };
  std::string_view h, s;
  if (!time("a", absorbed_until) || !time("w", window_start) || !time("c", closed_until) ||
      obj["h"].get(h) || obj["s"].get(s)) {
    return false;
  }
  host.assign(h);
  source.assign(s);
  return true;
}

}  // namespace tripline::correlation
