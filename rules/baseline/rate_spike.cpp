#include "rules/baseline/rate_spike.h"

#include <cmath>
#include <cstdio>

namespace tripline::baseline {
namespace {

// Key of the rule's own record (first window watched); group keys are prefixed with "k".
constexpr std::string_view kRuleRecord = "r";
// Below this a baseline is as good as zero, and an idle key as good as absent.
constexpr double kNegligible = 0.01;

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

void RateSpikeCell::encode(JsonWriter& w) const {
  w.begin_array().value(window).value(count).value(ewma).value(fired).end_array();
}

bool RateSpikeCell::decode(simdjson::dom::element e) {
  simdjson::dom::array a;
  if (e.get(a) || a.size() != 4) return false;
  int64_t c = 0;
  if (a.at(0).get(window) || a.at(1).get(c) || a.at(2).get(ewma) || a.at(3).get(fired)) {
    return false;
  }
  if (c < 0 || !std::isfinite(ewma) || ewma < 0) return false;
  count = static_cast<uint64_t>(c);
  return true;
}

RateSpike::RateSpike(BaselineInfo info, RateSpikeParams params, std::shared_ptr<Store> store)
    : BaselineRule(std::move(info)), params_(params), store_(std::move(store)) {}

double RateSpike::rolled(const RateSpikeCell& cell, int64_t gap) const {
  double ewma = params_.alpha * static_cast<double>(cell.count) + (1 - params_.alpha) * cell.ewma;
  if (gap > 0)
    ewma *= std::pow(1 - params_.alpha, static_cast<double>(std::min<int64_t>(gap, 4096)));
  return ewma;
}

void RateSpike::observe(const Observation& o, std::vector<Alert>& alerts) {
  const int64_t w = window_index(o.time, params_.window);
  int64_t first = w;
  store_->update(kRuleRecord, [&](RateSpikeCell& c, bool created) {
    if (created || w < c.window) c.window = w;
    first = c.window;
    return true;
  });
  const bool warm = w - first >= static_cast<int64_t>(params_.warmup);
  std::string key = "k";
  key += o.key;
  bool fire = false;
  uint64_t count = 0;
  double baseline = 0;
  store_->update(key, [&](RateSpikeCell& c, bool created) {
    if (created) {
      c = RateSpikeCell{};
      c.window = w;
    } else if (w > c.window) {
      c.ewma = rolled(c, w - c.window - 1);
      c.window = w;
      c.count = 0;
      c.fired = false;
    }
    ++c.count;
    const double expected = c.ewma < kNegligible ? 0 : c.ewma;
    if (warm && !c.fired && c.count >= params_.min_count &&
        static_cast<double>(c.count) > params_.factor * expected) {
      c.fired = fire = true;
      count = c.count;
      baseline = expected;
    }
    return true;
  });
  if (!fire) return;
  Alert a = make_alert(o, "window:" + std::to_string(w), count);
  a.ends_at = window_start(w + 1, params_.window);
  a.fields.emplace_back("baseline.window_count", std::to_string(count));
  a.fields.emplace_back("baseline.expected", format_number(baseline));
  a.fields.emplace_back("baseline.factor", format_number(params_.factor));
  alerts.push_back(std::move(a));
}

void RateSpike::advance(TimePoint now) {
  // Once per window: drop keys whose baseline has decayed to nothing and that are idle.
  const int64_t w = window_index(now, params_.window);
  int64_t seen = swept_window_.load(std::memory_order_relaxed);
  if (w <= seen || !swept_window_.compare_exchange_strong(seen, w)) return;
  store_->sweep([&](std::string_view key, RateSpikeCell& c) {
    if (key == kRuleRecord || c.window >= w) return true;
    return rolled(c, w - c.window - 1) >= kNegligible;
  });
}

}  // namespace tripline::baseline
