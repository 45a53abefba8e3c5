#pragma once
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/json_writer.h"
#include "rules/state/persistent_state.h"
#include "rules/state/state_limits.h"
#include "rules/state/state_metrics.h"

namespace tripline::state {

// Per-key state of one stateful rule (a correlation's groups, a baseline's keys), bounded and
// sharded. Keys hash to one of `limits.shards` shards, each with its own mutex and LRU list, so
// worker threads that touch different keys rarely wait on each other; no lock is shared by all.
// A full shard evicts its least recently used key (counted in tripline_state_evictions_total).
//
// V is the per-key value. It provides:
//   size_t memory_bytes() const;                 heap bytes it owns (for tripline_state_bytes)
//   void encode(JsonWriter& w) const;            one JSON value (persistence)
//   bool decode(simdjson::dom::element e);       the reverse; false when malformed
//   optional: void recycle();                   back to a default value, keeping its buffers
// Callbacks run under the key's shard lock: they must be short and must not call back into the
// store. Nothing here throws except std::bad_alloc.
// Keys come and go all the time (a correlation group per attacker address that expires minutes
// later): a shard keeps up to kSpareNodes removed nodes, with their key, value and index-entry
// allocations, for the next new key. Spares are not counted in tripline_state_bytes.
// A sweep's verdict on one key. kKeepAndStop keeps it and ends the walk of its shard: the keys
// not yet visited were used more recently, and the caller knows they would be kept too.
enum class SweepVisit { kKeep, kRemove, kKeepAndStop };

template <class V>
class KeyedStore final : public PersistentState {
 public:
  KeyedStore(std::string rule_id, StateLimits limits)
      : rule_id_(std::move(rule_id)),
        limits_(limits),
        shards_(std::max<size_t>(1, limits.shards)),
        metrics_(StateMetrics::for_rule(rule_id_)) {
    per_shard_max_ = std::max<size_t>(1, (limits.max_keys + shards_.size() - 1) / shards_.size());
  }
  KeyedStore(const KeyedStore&) = delete;
  KeyedStore& operator=(const KeyedStore&) = delete;

  const std::string& rule_id() const { return rule_id_; }
  const StateLimits& limits() const { return limits_; }

  // Runs fn(V& value, bool created) -> bool on the value of `key`, creating it (default V) when
  // absent; a full shard first evicts its least recently used key. The key becomes the most
  // recently used. When fn returns false the key is removed. Returns what fn returned.
  template <class Fn>
  bool update(std::string_view text, Fn&& fn) {
    return update(text, std::forward<Fn>(fn), NoReclaim{});
  }
  // The same; before a new key is created, reclaim(V&) -> bool is asked about the shard's least
  // recently used key, and a true answer removes it (not an eviction: the caller says it holds
  // nothing worth keeping). Keys that expire as new ones arrive (a group per attacker address)
  // then hand their node to the next key at once instead of piling up for a sweep.
  template <class Fn, class Reclaim>
  bool update(std::string_view text, Fn&& fn, Reclaim&& reclaim) {
    const HashedKey key = hashed(text);
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    bool created = false;
    if (it == s.index.end()) {
      if constexpr (!std::is_same_v<std::decay_t<Reclaim>, NoReclaim>) {
        if (!s.lru.empty()) {
          Node& oldest = s.lru.back();
          if (reclaim(oldest.value)) {
            erase_node(s, s.index.find(key_of(oldest)));
          } else {
            account(oldest);  // reclaim may have trimmed it
          }
        }
      }
      if (s.index.size() >= per_shard_max_) evict_oldest(s);
      it = insert_node(s, key);
      created = true;
    } else if (it->second != s.lru.begin()) {
      s.lru.splice(s.lru.begin(), s.lru, it->second);
    }
    Node& node = *it->second;
    const bool keep = fn(node.value, created);
    // Read first: a store every thread writes would bounce its cache line on every event.
    if (!dirty_.load(std::memory_order_relaxed)) dirty_.store(true, std::memory_order_relaxed);
    if (!keep) {
      erase_node(s, it);
    } else {
      account(node);
    }
    return keep;
  }

  // Runs fn(const V&) on the value of `key` when present, without creating it or changing its
  // recency. False when absent.
  template <class Fn>
  bool read(std::string_view text, Fn&& fn) const {
    const HashedKey key = hashed(text);
    const Shard& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) return false;
    fn(static_cast<const V&>(it->second->value));
    return true;
  }

  // Visits every key, shard by shard (each under its lock), oldest first within a shard:
  // fn(std::string_view key, V& value) -> bool; false removes the key. Used to close windows and
  // expire keys as time passes.
  // fn may instead return a SweepVisit, to end a shard's walk at a key it keeps.
  template <class Fn>
  void sweep(Fn&& fn) {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mutex);
      bool changed = false;
      for (auto node = s.lru.end(); node != s.lru.begin();) {
        --node;
        const auto verdict = fn(std::string_view(node->key), node->value);
        SweepVisit visit;
        if constexpr (std::is_same_v<std::decay_t<decltype(verdict)>, bool>) {
          visit = verdict ? SweepVisit::kKeep : SweepVisit::kRemove;
        } else {
          visit = verdict;
        }
        if (visit != SweepVisit::kRemove) {
          account(*node);
          if (visit == SweepVisit::kKeepAndStop) break;
          continue;
        }
        auto next = std::next(node);
        erase_node(s, s.index.find(key_of(*node)));
        node = next;
        changed = true;
      }
      if (changed) dirty_.store(true, std::memory_order_relaxed);
    }
  }

  bool erase(std::string_view text) {
    const HashedKey key = hashed(text);
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) return false;
    erase_node(s, it);
    dirty_.store(true, std::memory_order_relaxed);
    return true;
  }

  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mutex);
      s.index.clear();
      s.lru.clear();
      s.spare.clear();
      s.spare_entries.clear();
    }
    keys_.store(0);
    bytes_.store(0);
    dirty_.store(true, std::memory_order_relaxed);
  }

  size_t size() const { return keys_.load(std::memory_order_relaxed); }
  size_t bytes() const { return static_cast<size_t>(std::max<int64_t>(0, bytes_.load())); }
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

  // PersistentState: {"format":"tripline-keyed-state","version":1,"keys":[[key, value]...]},
  // least recently used first within each shard so decoding restores the recency order.
  std::string encode() const override {
    JsonWriter w;
    w.begin_object().key("format").value("tripline-keyed-state").key("version").value(1);
    w.key("rule_id").value(rule_id_).key("keys").begin_array();
    for (const Shard& s : shards_) {
      std::lock_guard lock(s.mutex);
      for (auto node = s.lru.rbegin(); node != s.lru.rend(); ++node) {
        w.begin_array().value(node->key);
        node->value.encode(w);
        w.end_array();
      }
    }
    w.end_array().end_object();
    dirty_.store(false, std::memory_order_relaxed);
    return w.take();
  }

  bool decode(std::string_view json, std::string& error) override {
    clear();
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc)) {
      error = "not JSON";
      return false;
    }
    std::string_view format;
    int64_t version = 0;
    simdjson::dom::array keys;
    if (doc["format"].get(format) || format != "tripline-keyed-state" ||
        doc["version"].get(version) || version != 1 || doc["keys"].get(keys)) {
      error = "not a tripline keyed state document (format/version/keys)";
      return false;
    }
    size_t index = 0;
    for (simdjson::dom::element item : keys) {
      simdjson::dom::array pair;
      std::string_view key;
      if (item.get(pair) || pair.size() != 2 || pair.at(0).get(key)) {
        error = "key " + std::to_string(index) + " is not a [key, value] pair";
        clear();
        return false;
      }
      bool ok = true;
      update(key, [&](V& v, bool) {
        ok = v.decode(pair.at(1).value_unsafe());
        return ok;
      });
      if (!ok) {
        error = "key " + std::to_string(index) + " has a malformed value";
        clear();
        return false;
      }
      ++index;
    }
    dirty_.store(false, std::memory_order_relaxed);
    return true;
  }

  bool dirty() const override { return dirty_.load(std::memory_order_relaxed); }
  void set_dirty() override { dirty_.store(true, std::memory_order_relaxed); }

  void publish_metrics() override {
    metrics_.keys->Set(static_cast<double>(size()));
    metrics_.bytes->Set(static_cast<double>(bytes()));
  }

  const StateMetrics& metrics() const { return metrics_; }

 private:
  // update() without a reclaim: new keys never look at the oldest one.
  struct NoReclaim {};
  struct Node {
    std::string key;
    size_t hash = 0;  // of key: computed once per lookup, shared by the shard choice and index
    V value;
    size_t accounted = 0;  // bytes counted in bytes_ for this node
  };
  struct HashedKey {
    std::string_view text;
    size_t hash;
    bool operator==(const HashedKey& o) const { return hash == o.hash && text == o.text; }
  };
  struct PassHash {
    size_t operator()(const HashedKey& k) const { return k.hash; }
  };
  using List = std::list<Node>;
  using Index = std::unordered_map<HashedKey, typename List::iterator, PassHash>;
  static constexpr size_t kSpareNodes = 64;
  struct Shard {
    mutable std::mutex mutex;
    List lru;  // front: most recently used
    Index index;
    List spare;                                            // removed nodes kept for reuse
    std::vector<typename Index::node_type> spare_entries;  // their index entries
  };
  // List node + index entry + bucket: what a key costs beyond its strings, measured on
  // libstdc++ (two list pointers, a hash node with its cached hash, a bucket pointer).
  static constexpr size_t kNodeOverhead = sizeof(Node) + 2 * sizeof(void*) + 48 + sizeof(void*);

  static HashedKey hashed(std::string_view text) {
    return {text, std::hash<std::string_view>{}(text)};
  }
  static HashedKey key_of(const Node& node) { return {node.key, node.hash}; }
  // The high bits pick the shard: the index's buckets use the low ones.
  size_t shard_index(const HashedKey& key) const { return (key.hash >> 32) % shards_.size(); }
  Shard& shard_of(const HashedKey& key) { return shards_[shard_index(key)]; }
  const Shard& shard_of(const HashedKey& key) const { return shards_[shard_index(key)]; }

  void account(Node& node) {
    const size_t now = kNodeOverhead + (node.key.capacity() > 15 ? node.key.capacity() : 0) +
                       node.value.memory_bytes();
    if (now != node.accounted) {
      bytes_.fetch_add(static_cast<int64_t>(now) - static_cast<int64_t>(node.accounted),
                       std::memory_order_relaxed);
      if (node.accounted == 0) keys_.fetch_add(1, std::memory_order_relaxed);
      node.accounted = now;
    }
  }

  // A new key at the front of the LRU list, on a spare node when there is one.
  typename Index::iterator insert_node(Shard& s, const HashedKey& key) {
    if (s.spare.empty()) {
      s.lru.emplace_front();
    } else {
      s.lru.splice(s.lru.begin(), s.spare, s.spare.begin());
    }
    Node& node = s.lru.front();
    node.key.assign(key.text);
    node.hash = key.hash;
    if (s.spare_entries.empty()) {
      return s.index.emplace(key_of(node), s.lru.begin()).first;
    }
    typename Index::node_type entry = std::move(s.spare_entries.back());
    s.spare_entries.pop_back();
    entry.key() = key_of(node);
    entry.mapped() = s.lru.begin();
    return s.index.insert(std::move(entry)).position;
  }

  void erase_node(Shard& s, typename Index::iterator it) {
    typename List::iterator node = it->second;
    if (node->accounted) {
      bytes_.fetch_sub(static_cast<int64_t>(node->accounted), std::memory_order_relaxed);
      keys_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (s.spare.size() < kSpareNodes) {
      // What the value held goes now; only its buffers wait for the next key.
      if constexpr (requires(V& v) { v.recycle(); }) {
        node->value.recycle();
      } else {
        node->value = V{};
      }
      node->accounted = 0;
      s.spare_entries.push_back(s.index.extract(it));
      s.spare.splice(s.spare.begin(), s.lru, node);
      return;
    }
    s.index.erase(it);
    s.lru.erase(node);
  }

  void evict_oldest(Shard& s) {
    if (s.lru.empty()) return;
    erase_node(s, s.index.find(key_of(s.lru.back())));
    evictions_.fetch_add(1, std::memory_order_relaxed);
    metrics_.evictions->Increment();
  }

  const std::string rule_id_;
  const StateLimits limits_;
  size_t per_shard_max_ = 1;
  std::vector<Shard> shards_;
  StateMetrics metrics_;
  std::atomic<size_t> keys_{0};
  std::atomic<int64_t> bytes_{0};
  std::atomic<uint64_t> evictions_{0};
  mutable std::atomic<bool> dirty_{false};
};

}  // namespace tripline::state
