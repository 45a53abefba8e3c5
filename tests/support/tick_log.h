#pragma once
// Numbered test lines ("ticks") written to a tailed log, and the scanner that finds them again in
// an alert file: which sequence numbers arrived, how often, in what order, and whether each one's
// payload came through unaltered. Header-only (tests/ globs only *_test.cpp into binaries).
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace tripline::testing {

// 16 hex digits that depend on every bit of `seq` (splitmix64): the payload a tick carries, so a
// line delivered with a torn, shifted or foreign payload is caught.
inline std::string tick_payload(int64_t seq) {
  uint64_t z = static_cast<uint64_t>(seq) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(z));
  return hex;
}

// One JSON line, newline included. The rule in tick_rule_yaml() turns each into one alert.
inline std::string tick_line(int64_t seq) {
  return "{\"kind\":\"tick\",\"seq\":" + std::to_string(seq) + ",\"pad\":\"" + tick_payload(seq) +
         "\"}\n";
}

// A Sigma rule that matches every tick of `product`.
inline std::string tick_rule_yaml(const std::string& product = "faulttest") {
  return "title: every tick\n"
         "id: 7d1c1f3e-0000-4000-8000-000000000001\n"
         "logsource: { product: " + product + " }\n"
         "detection:\n  selection: { kind: tick }\n  condition: selection\n"
         "level: informational\n";
}

// Reads an alert file (JSON lines, one tick per alert) incrementally: each update() consumes the
// complete lines appended since the last one, so polling a growing file stays cheap.
class TickScanner {
 public:
  TickScanner(std::string path, int64_t total)
      : path_(std::move(path)), times_seen_(static_cast<size_t>(total), 0) {}

  void update() {
    FILE* f = std::fopen(path_.c_str(), "r");
    if (!f) return;
    std::fseek(f, static_cast<long>(offset_), SEEK_SET);
    char* line = nullptr;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
      if (line[len - 1] != '\n') break;  // still being written: read it next time
      offset_ += static_cast<uint64_t>(len);
      add(std::string_view(line, static_cast<size_t>(len)));
    }
    free(line);
    std::fclose(f);
  }

  // Counts one alert (its JSON), for alerts that arrive by other ways than the file.
  void add(std::string_view alert_json) {
    ++lines_;
    simdjson::dom::element doc, event;
    int64_t seq = -1;
    std::string_view pad;
    if (parser_.parse(alert_json.data(), alert_json.size()).get(doc) ||
        doc["events"].at(0).get(event) || event["seq"].get(seq) || seq < 0 ||
        seq >= static_cast<int64_t>(times_seen_.size())) {
      ++unparsable_;
      order_.push_back(-1);
      return;
    }
    if (event["pad"].get(pad) || pad != tick_payload(seq)) ++bad_payloads_;
    order_.push_back(seq);
    if (times_seen_[static_cast<size_t>(seq)]++ == 0) {
      ++distinct_;
    } else {
      ++duplicates_;
    }
  }

  size_t distinct() const { return distinct_; }
  size_t duplicates() const { return duplicates_; }
  size_t unparsable() const { return unparsable_; }
  size_t bad_payloads() const { return bad_payloads_; }
  // Complete lines read so far (parsable or not): a position in the alert file.
  size_t lines() const { return lines_; }
  uint32_t times_seen(int64_t seq) const { return times_seen_[static_cast<size_t>(seq)]; }
  // The sequence number of each parsable line, in file order (-1 for the others).
  const std::vector<int64_t>& order() const { return order_; }
  std::vector<int64_t> missing(size_t limit = 10) const {
    std::vector<int64_t> out;
    for (size_t s = 0; s < times_seen_.size() && out.size() < limit; ++s) {
      if (times_seen_[s] == 0) out.push_back(static_cast<int64_t>(s));
    }
    return out;
  }

 private:
  std::string path_;
  uint64_t offset_ = 0;
  simdjson::dom::parser parser_;
  std::vector<uint32_t> times_seen_;
  std::vector<int64_t> order_;
  size_t distinct_ = 0, duplicates_ = 0, unparsable_ = 0, bad_payloads_ = 0, lines_ = 0;
};

}  // namespace tripline::testing
