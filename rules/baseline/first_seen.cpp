#include "rules/baseline/first_seen.h"

#include "core/time_util.h"

namespace tripline::baseline {

void FirstSeenCell::encode(JsonWriter& w) const {
  w.begin_array().value(first_ms).value(last_ms).end_array();
}

bool FirstSeenCell::decode(simdjson::dom::element e) {
  simdjson::dom::array a;
  return !e.get(a) && a.size() == 2 && !a.at(0).get(first_ms) && !a.at(1).get(last_ms);
}

FirstSeen::FirstSeen(BaselineInfo info, FirstSeenParams params, std::shared_ptr<Store> store)
    : BaselineRule(std::move(info)), params_(std::move(params)), store_(std::move(store)) {}

void FirstSeen::observe(const Observation& o, std::vector<Alert>& alerts) {
  const int64_t t =
      std::chrono::duration_cast<std::chrono::milliseconds>(o.time.time_since_epoch()).count();
  // "g" + key: when the key was first seen; "v" + key + 0x1e + value: that pair.
  std::string key = "g";
  key += o.key;
  int64_t key_first = t;
  store_->update(key, [&](FirstSeenCell& c, bool created) {
    if (created || t < c.first_ms) c.first_ms = t;
    if (created || t > c.last_ms) c.last_ms = t;
    key_first = c.first_ms;
    return true;
  });
  key[0] = 'v';
  key += '\x1e';
  key += o.value;
  bool fresh_value = false;
  store_->update(key, [&](FirstSeenCell& c, bool created) {
    fresh_value = created;
    if (created || t < c.first_ms) c.first_ms = t;
    if (created || t > c.last_ms) c.last_ms = t;
    return true;
  });
  const bool learned = t - key_first >= params_.learning.count();
  if (!fresh_value || !learned) return;
  Alert a = make_alert(o, "value:" + std::string(o.value), 1);
  a.fields.emplace_back("baseline.field", params_.fields.empty() ? "" : params_.fields[0]);
  a.fields.emplace_back("baseline.new_value", std::string(o.value));
  a.fields.emplace_back("baseline.key_first_seen",
                        format_rfc3339(TimePoint(std::chrono::milliseconds(key_first))));
  alerts.push_back(std::move(a));
}

}  // namespace tripline::baseline
