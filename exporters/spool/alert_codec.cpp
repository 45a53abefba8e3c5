#include "exporters/spool/alert_codec.h"

#include <cstdint>
#include <cstring>

namespace tripline {
namespace {

constexpr uint8_t kVersion = 1;
constexpr uint32_t kMaxItems = 1u << 20;

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void pairs(const std::vector<std::pair<std::string, std::string>>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& [k, val] : v) {
      str(k);
      str(val);
    }
  }
  void strings(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) str(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(uint8_t& v) {
    if (in_.size() < 1) return false;
    v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool u32(uint32_t& v) {
    if (in_.size() < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[i])) << (8 * i);
    in_.remove_prefix(4);
    return true;
  }
  bool u64(uint64_t& v) {
    if (in_.size() < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[i])) << (8 * i);
    in_.remove_prefix(8);
    return true;
  }
  bool str(std::string& s) {
    uint32_t n;
    if (!u32(n) || in_.size() < n) return false;
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  // A count is checked against the bytes left (every item has at least its length prefixes)
  // before anything is allocated: a damaged record cannot make the reader reserve gigabytes.
  bool pairs(std::vector<std::pair<std::string, std::string>>& v) {
    uint32_t n;
    if (!u32(n) || n > kMaxItems || n > in_.size() / 8) return false;
    v.resize(n);
    for (auto& [k, val] : v) {
      if (!str(k) || !str(val)) return false;
    }
    return true;
  }
  bool strings(std::vector<std::string>& v) {
    uint32_t n;
    if (!u32(n) || n > kMaxItems || n > in_.size() / 4) return false;
    v.resize(n);
    for (auto& s : v) {
      if (!str(s)) return false;
    }
    return true;
  }
  bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
};

int64_t to_ns(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
TimePoint from_ns(int64_t ns) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace

std::string encode_alert(const Alert& a) {
  Writer w;
  w.u8(kVersion);
  w.str(a.alert_id);
  w.str(a.rule_id);
  w.str(a.title);
  w.u8(static_cast<uint8_t>(a.sev));
  w.str(a.level);
  w.u64(static_cast<uint64_t>(to_ns(a.time)));
  w.str(a.host);
  w.str(a.source);
  w.str(a.logsource.product);
  w.str(a.logsource.service);
  w.str(a.logsource.category);
  w.pairs(a.group);
  w.u64(a.count);
  w.strings(a.tags);
  w.strings(a.events);
  w.str(a.trace_id);
  w.u8(a.ends_at ? 1 : 0);
  w.u64(a.ends_at ? static_cast<uint64_t>(to_ns(*a.ends_at)) : 0);
  w.str(a.runbook);
  w.str(a.change_id);
  w.pairs(a.fields);
  w.pairs(a.enrichment);
  return w.take();
}

bool decode_alert(std::string_view data, Alert& a) {
  Reader r(data);
  uint8_t version = 0, sev = 0, has_end = 0;
  uint64_t time_ns = 0, end_ns = 0;
  if (!r.u8(version) || version != kVersion) return false;
  if (!r.str(a.alert_id) || !r.str(a.rule_id) || !r.str(a.title) || !r.u8(sev) || sev > 4 ||
      !r.str(a.level) || !r.u64(time_ns) || !r.str(a.host) || !r.str(a.source) ||
      !r.str(a.logsource.product) || !r.str(a.logsource.service) ||
      !r.str(a.logsource.category) || !r.pairs(a.group) || !r.u64(a.count) ||
      !r.strings(a.tags) || !r.strings(a.events) || !r.str(a.trace_id) || !r.u8(has_end) ||
      !r.u64(end_ns) || !r.str(a.runbook) || !r.str(a.change_id) || !r.pairs(a.fields) ||
      !r.pairs(a.enrichment) || !r.at_end()) {
    return false;
  }
  a.sev = static_cast<Sev>(sev);
  a.time = from_ns(static_cast<int64_t>(time_ns));
  if (has_end) {
    a.ends_at = from_ns(static_cast<int64_t>(end_ns));
  } else {
    a.ends_at.reset();
  }
  return true;
}

}  // namespace tripline
