#include "rules/state/keyed_store.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tripline::state {
namespace {

// A counter with a label: enough to see values survive eviction order, encoding and threads.
struct Counter {
  int64_t n = 0;
  std::string label;
  size_t memory_bytes() const { return label.capacity() > 15 ? label.capacity() : 0; }
  void encode(JsonWriter& w) const { w.begin_array().value(n).value(label).end_array(); }
  bool decode(simdjson::dom::element e) {
    simdjson::dom::array a;
    std::string_view l;
    if (e.get(a) || a.size() != 2 || a.at(0).get(n) || a.at(1).get(l)) return false;
    label.assign(l);
    return true;
  }
};

StateLimits limits(size_t max_keys, size_t shards) {
  StateLimits l;
  l.max_keys = max_keys;
  l.shards = shards;
  return l;
}

int64_t value_of(const KeyedStore<Counter>& store, std::string_view key) {
  int64_t out = -1;
  store.read(key, [&](const Counter& c) { out = c.n; });
  return out;
}

TEST(KeyedStore, UpdateCreatesOnceAndKeepsTheValue) {
  KeyedStore<Counter> store("ks-create", limits(10, 1));
  int created = 0;
  for (int i = 0; i < 3; ++i) {
    store.update("a", [&](Counter& c, bool fresh) {
      created += fresh;
      ++c.n;
      return true;
    });
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(value_of(store, "a"), 3);
  EXPECT_EQ(store.size(), 1u);
}

TEST(KeyedStore, FullStoreEvictsTheLeastRecentlyUsedKeyAndCountsIt) {
  KeyedStore<Counter> store("ks-lru", limits(3, 1));
  for (const char* k : {"a", "b", "c"}) store.update(k, [](Counter&, bool) { return true; });
  store.update("a", [](Counter& c, bool) { return ++c.n, true; });  // a is now the newest
  store.update("d", [](Counter&, bool) { return true; });           // evicts b
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.evictions(), 1u);
  EXPECT_EQ(value_of(store, "b"), -1);
  EXPECT_EQ(value_of(store, "a"), 1);
  EXPECT_EQ(store.metrics().evictions->Value(), 1.0);
}

TEST(KeyedStore, ANewKeyTakesTheOldestKeyWhenReclaimSaysItIsSpent) {
  KeyedStore<Counter> store("ks-reclaim", limits(10, 1));
  const auto spent = [](Counter& c) { return c.n == -5; };
  store.update("a", [](Counter& c, bool) { return c.n = -5, true; }, spent);
  store.update("b", [](Counter& c, bool) { return c.n = 2, true; }, spent);
  // The oldest is a, spent: c's arrival removes it, and it is not an eviction.
  store.update("c", [](Counter& c, bool fresh) { return c.n = fresh ? 3 : 99, true; }, spent);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(value_of(store, "a"), -1);  // absent
  EXPECT_EQ(value_of(store, "b"), 2);
  EXPECT_EQ(value_of(store, "c"), 3);
  EXPECT_EQ(store.evictions(), 0u);
  // The oldest now is b, not spent: it stays, and an existing key never triggers reclaim.
  store.update("d", [](Counter& c, bool) { return c.n = -5, true; }, spent);
  store.update("d", [](Counter& c, bool fresh) { return c.n = fresh ? 0 : 4, true; }, spent);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(value_of(store, "b"), 2);
  EXPECT_EQ(value_of(store, "d"), 4);
}

TEST(KeyedStore, AMillionDistinctKeysStayWithinTheBound) {
  KeyedStore<Counter> store("ks-flood", limits(1000, 8));
  for (int i = 0; i < 1'000'000; ++i) {
    store.update("10.0." + std::to_string(i), [](Counter& c, bool) { return ++c.n, true; });
  }
  EXPECT_LE(store.size(), 1000u + 8u);
  EXPECT_GE(store.evictions(), 1'000'000u - 1008u);
  EXPECT_LT(store.bytes(), 1008u * 512u);
  EXPECT_GT(store.bytes(), 0u);
}

TEST(KeyedStore, ReturningFalseRemovesTheKey) {
  KeyedStore<Counter> store("ks-remove", limits(10, 2));
  store.update("a", [](Counter&, bool) { return true; });
  EXPECT_FALSE(store.update("a", [](Counter&, bool) { return false; }));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(KeyedStore, SweepVisitsEveryKeyAndDropsTheRejected) {
  KeyedStore<Counter> store("ks-sweep", limits(100, 4));
  for (int i = 0; i < 20; ++i) {
    store.update(std::to_string(i), [&](Counter& c, bool) { return c.n = i, true; });
  }
  size_t visited = 0;
  store.sweep([&](std::string_view, Counter& c) {
    ++visited;
    return c.n % 2 == 0;
  });
  EXPECT_EQ(visited, 20u);
  EXPECT_EQ(store.size(), 10u);
  EXPECT_EQ(value_of(store, "3"), -1);
  EXPECT_EQ(value_of(store, "4"), 4);
}

TEST(KeyedStore, EncodeDecodeRoundTripKeepsValuesAndRecency) {
  KeyedStore<Counter> store("ks-roundtrip", limits(3, 1));
  for (const char* k : {"a", "b", "c"}) {
    store.update(k, [&](Counter& c, bool) {
      c.n = k[0];
      c.label = std::string("label of ") + k + " long enough to allocate";
      return true;
    });
  }
  store.update("a", [](Counter&, bool) { return true; });  // order now b, c, a
  EXPECT_TRUE(store.dirty());
  const std::string json = store.encode();
  EXPECT_FALSE(store.dirty());

  KeyedStore<Counter> copy("ks-roundtrip", limits(3, 1));
  std::string error;
  ASSERT_TRUE(copy.decode(json, error)) << error;
  EXPECT_EQ(copy.size(), 3u);
  EXPECT_EQ(value_of(copy, "a"), 'a');
  copy.update("d", [](Counter&, bool) { return true; });  // evicts b, the oldest
  EXPECT_EQ(value_of(copy, "b"), -1);
  EXPECT_EQ(value_of(copy, "c"), 'c');
}

TEST(KeyedStore, DecodeRejectsDamagedDocumentsAndStaysEmpty) {
  KeyedStore<Counter> store("ks-damaged", limits(10, 1));
  store.update("x", [](Counter&, bool) { return true; });
  std::string error;
  EXPECT_FALSE(store.decode("{\"format\":\"tripline-keyed-state\",\"ver", error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(store.size(), 0u);
  error.clear();
  EXPECT_FALSE(store.decode(
      R"({"format":"tripline-keyed-state","version":1,"keys":[["a",[1,"x"]],["b","oops"]]})",
      error));
  EXPECT_NE(error.find("key 1"), std::string::npos) << error;
  EXPECT_EQ(store.size(), 0u);
  error.clear();
  EXPECT_FALSE(store.decode(R"({"format":"other","version":1,"keys":[]})", error));
}

TEST(KeyedStore, ConcurrentUpdatesFromSeveralThreadsLoseNoIncrement) {
  KeyedStore<Counter> store("ks-threads", limits(1000, 16));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        store.update("k" + std::to_string(i % 50), [](Counter& c, bool) { return ++c.n, true; });
      }
    });
  }
  for (auto& t : threads) t.join();
  int64_t total = 0;
  store.sweep([&](std::string_view, Counter& c) { return total += c.n, true; });
  EXPECT_EQ(total, 80'000);
}

TEST(KeyedStore, PublishMetricsSetsTheKeyAndByteGauges) {
  KeyedStore<Counter> store("ks-gauges", limits(10, 1));
  store.update("a", [](Counter&, bool) { return true; });
  store.update("b", [](Counter&, bool) { return true; });
  store.publish_metrics();
  EXPECT_EQ(store.metrics().keys->Value(), 2.0);
  EXPECT_EQ(store.metrics().bytes->Value(), static_cast<double>(store.bytes()));
}

// A value that says whether the store recycled it (kept its buffer) instead of building anew.
struct Recyclable {
  std::vector<int> items;
  int recycled = 0;
  size_t memory_bytes() const { return items.capacity() * sizeof(int); }
  void recycle() {
    items.clear();
    ++recycled;
  }
  void encode(JsonWriter& w) const { w.null(); }
  bool decode(simdjson::dom::element) { return true; }
};

TEST(KeyedStore, RemovedKeysLeaveTheirNodesToTheNextNewKey) {
  KeyedStore<Recyclable> store("t", limits(100, 1));
  store.update("a", [](Recyclable& v, bool) {
    v.items.assign(100, 7);
    return true;
  });
  ASSERT_TRUE(store.erase("a"));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
  bool was_created = false;
  store.update("b", [&](Recyclable& v, bool created) {
    was_created = created;
    EXPECT_TRUE(v.items.empty()) << "a new key must not see the old key's data";
    EXPECT_GE(v.items.capacity(), 100u) << "the buffer is reused";
    EXPECT_EQ(v.recycled, 1);
    return true;
  });
  EXPECT_TRUE(was_created);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.read("a", [](const Recyclable&) {}));
  EXPECT_TRUE(store.read("b", [](const Recyclable&) {}));
}

TEST(KeyedStore, ValuesWithoutRecycleStartFromADefaultValueOnAReusedNode) {
  KeyedStore<Counter> store("t", limits(100, 1));
  store.update("a", [](Counter& c, bool) {
    c.n = 5;
    c.label = "a long label that is on the heap";
    return true;
  });
  store.sweep([](std::string_view, Counter&) { return false; });
  store.update("b", [](Counter& c, bool created) {
    EXPECT_TRUE(created);
    EXPECT_EQ(c.n, 0);
    EXPECT_TRUE(c.label.empty());
    return true;
  });
  EXPECT_EQ(value_of(store, "b"), 0);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace tripline::state
