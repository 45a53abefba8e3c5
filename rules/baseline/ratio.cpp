#include "rules/baseline/ratio.h"

#include <cstdio>

namespace tripline::baseline {

void RatioCell::encode(JsonWriter& w) const {
  w.begin_array().value(window).value(total).value(part).value(fired).end_array();
}

bool RatioCell::decode(simdjson::dom::element e) {
  simdjson::dom::array a;
  int64_t t = 0, p = 0;
  if (e.get(a) || a.size() != 4 || a.at(0).get(window) || a.at(1).get(t) || a.at(2).get(p) ||
      a.at(3).get(fired) || t < 0 || p < 0) {
    return false;
  }
  total = static_cast<uint64_t>(t);
  part = static_cast<uint64_t>(p);
  return true;
}

Ratio::Ratio(BaselineInfo info, RatioParams params, std::shared_ptr<Store> store)
    : BaselineRule(std::move(info)), params_(params), store_(std::move(store)) {}

void Ratio::observe(const Observation& o, std::vector<Alert>& alerts) {
  const int64_t w = window_index(o.time, params_.window);
  bool fire = false;
  uint64_t total = 0, part = 0;
  store_->update(o.key, [&](RatioCell& c, bool created) {
    if (created || w > c.window) c = RatioCell{w, 0, 0, false};
    ++(o.role == Role::kPart ? c.part : c.total);
    if (!c.fired && c.total >= params_.min_total && c.part <= c.total &&
        static_cast<double>(c.part) > params_.threshold * static_cast<double>(c.total)) {
      c.fired = fire = true;
      total = c.total;
      part = c.part;
    }
    return true;
  });
  if (!fire) return;
  Alert a = make_alert(o, "window:" + std::to_string(w), total);
  a.ends_at = window_start(w + 1, params_.window);
  char share[32];
  std::snprintf(share, sizeof share, "%.3f",
                static_cast<double>(part) / static_cast<double>(total));
  a.fields.emplace_back("baseline.share", share);
  a.fields.emplace_back("baseline.part", std::to_string(part));
  a.fields.emplace_back("baseline.total", std::to_string(total));
  alerts.push_back(std::move(a));
}

void Ratio::advance(TimePoint now) {
  // Once per window: finished windows are of no further use.
  const int64_t w = window_index(now, params_.window);
  int64_t seen = swept_window_.load(std::memory_order_relaxed);
  if (w <= seen || !swept_window_.compare_exchange_strong(seen, w)) return;
  store_->sweep([&](std::string_view, RatioCell& c) { return c.window >= w; });
}

}  // namespace tripline::baseline
