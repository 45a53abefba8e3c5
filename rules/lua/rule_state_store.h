#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tripline::lua {

// One value a stateful rule keeps: state:set/get/incr take strings, numbers and booleans.
struct StateValue {
  enum class Type : uint8_t { kNil, kBool, kInt, kFloat, kString };
  Type type = Type::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
};

struct StateLimits {
  uint64_t max_keys = 10'000;
  int64_t default_ttl_ms = 3'600'000;
  int64_t max_ttl_ms = 30LL * 24 * 3'600'000;
};

// The keyed store behind a stateful Lua rule's `state` argument. Every key has a TTL, measured
// on the clock the caller passes (event time: replays expire keys as the events say, not as the
// wall clock does). Bounded: inserting into a full store first drops expired keys, then the one
// closest to expiry. Optionally persisted as one JSON file (written atomically) so a restart
// keeps counters, like the baselines. Thread-safe; operations never throw except std::bad_alloc.
class RuleStateStore {
 public:
  RuleStateStore(std::string rule_id, std::string path, StateLimits limits);
  ~RuleStateStore();  // saves when persisted and changed
  RuleStateStore(const RuleStateStore&) = delete;
  RuleStateStore& operator=(const RuleStateStore&) = delete;

  // False (out untouched) when absent or expired at `now_ms`.
  bool get(std::string_view key, int64_t now_ms, StateValue& out);
  // A nil value removes the key. ttl_ms <= 0 takes the default TTL; longer than the maximum is
  // cut to it.
  void set(std::string_view key, const StateValue& value, int64_t now_ms, int64_t ttl_ms);
  // Adds `delta` (kInt or kFloat) to a number, or starts at `delta` with the TTL when the key is
  // absent; an existing key keeps its expiry (fixed windows). False when the value there is not
  // a number.
  bool incr(std::string_view key, const StateValue& delta, int64_t now_ms, int64_t ttl_ms,
            StateValue& out);
  // Drops every key expired at `now_ms`.
  void sweep(int64_t now_ms);

  // Writes the store when persisted and changed since the last save. False with `error` when
  // the file could not be written (the store stays dirty and tries again next time).
  bool save(std::string& error);
  // Reads the persisted file if there is one. A damaged file is moved aside (".corrupt") and
  // reported through `error`; the store then starts empty.
  bool load(std::string& error);

  void set_limits(StateLimits limits);
  size_t size() const;
  uint64_t evictions() const;
  const std::string& path() const { return path_; }
  const std::string& rule_id() const { return rule_id_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    StateValue value;
    int64_t expires_ms = 0;
    std::multimap<int64_t, const std::string*>::iterator by_expiry;
  };
  using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

  int64_t ttl_of(int64_t ttl_ms) const;
  Map::iterator find_live(std::string_view key, int64_t now_ms);
  void erase(Map::iterator it);
  Entry& insert(std::string_view key, int64_t now_ms);
  void set_expiry(Map::iterator it, int64_t expires_ms);
  std::string encode() const;

  const std::string rule_id_;
  const std::string path_;  // empty: memory only
  mutable std::mutex mutex_;
  StateLimits limits_;
  Map entries_;
  std::multimap<int64_t, const std::string*> expiry_;
  bool dirty_ = false;
  uint64_t evictions_ = 0;
};

// The store of `rule_id` under `state_dir` ("" = memory only, never shared). Stores of one
// directory are shared process-wide while any rule set holds them, so a reload hands the new
// rule set the very same counters; the first holder loads the file, the last one saves it.
std::shared_ptr<RuleStateStore> acquire_state_store(const std::string& state_dir,
                                                    const std::string& rule_id,
                                                    const StateLimits& limits);

// Where the store of `rule_id` lives: <state_dir>/lua-state/<safe name>-<hash>.json.
std::string state_file_path(const std::string& state_dir, const std::string& rule_id);

}  // namespace tripline::lua
