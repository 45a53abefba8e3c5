#include "rules/lua/rule_state_store.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/digest.h"
#include "core/json_writer.h"
#include "core/log.h"

namespace tripline::lua {
namespace {

namespace fs = std::filesystem;

const char* type_code(StateValue::Type t) {
  switch (t) {
    case StateValue::Type::kBool:
      return "b";
    case StateValue::Type::kInt:
      return "i";
    case StateValue::Type::kFloat:
      return "f";
    case StateValue::Type::kString:
      return "s";
    case StateValue::Type::kNil:
      break;
  }
  return "";
}

bool is_number(const StateValue& v) {
  return v.type == StateValue::Type::kInt || v.type == StateValue::Type::kFloat;
}

double as_double(const StateValue& v) {
  return v.type == StateValue::Type::kInt ? static_cast<double>(v.i) : v.f;
}

}  // namespace

std::string state_file_path(const std::string& state_dir, const std::string& rule_id) {
  std::string safe;
  for (char c : rule_id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
    safe += keep ? c : '_';
    if (safe.size() >= 64) break;
  }
  // The hash keeps ids that sanitise alike ("a/b", "a_b") in separate files.
  return (fs::path(state_dir) / "lua-state" / (safe + "-" + sha256_hex(rule_id, 12) + ".json"))
      .string();
}

RuleStateStore::RuleStateStore(std::string rule_id, std::string path, StateLimits limits)
    : rule_id_(std::move(rule_id)), path_(std::move(path)), limits_(limits) {}

RuleStateStore::~RuleStateStore() {
  std::string error;
  if (!save(error)) {
    log::warn("lua rule state not saved", {{"rule_id", rule_id_}, {"error", error}});
  }
}

void RuleStateStore::set_limits(StateLimits limits) {
  std::lock_guard lock(mutex_);
  limits_ = limits;
}

size_t RuleStateStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

uint64_t RuleStateStore::evictions() const {
  std::lock_guard lock(mutex_);
  return evictions_;
}

int64_t RuleStateStore::ttl_of(int64_t ttl_ms) const {
  if (ttl_ms <= 0) return limits_.default_ttl_ms;
  return ttl_ms > limits_.max_ttl_ms ? limits_.max_ttl_ms : ttl_ms;
}

RuleStateStore::Map::iterator RuleStateStore::find_live(std::string_view key, int64_t now_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return it;
  if (it->second.expires_ms <= now_ms) {
    erase(it);
    return entries_.end();
  }
  return it;
}

void RuleStateStore::erase(Map::iterator it) {
  expiry_.erase(it->second.by_expiry);
  entries_.erase(it);
  dirty_ = true;
}

void RuleStateStore::set_expiry(Map::iterator it, int64_t expires_ms) {
  if (it->second.by_expiry != expiry_.end()) expiry_.erase(it->second.by_expiry);
  it->second.expires_ms = expires_ms;
  it->second.by_expiry = expiry_.emplace(expires_ms, &it->first);
}

RuleStateStore::Entry& RuleStateStore::insert(std::string_view key, int64_t now_ms) {
  if (entries_.size() >= limits_.max_keys) {
    while (!expiry_.empty() && expiry_.begin()->first <= now_ms) {
      erase(entries_.find(*expiry_.begin()->second));
    }
    while (entries_.size() >= limits_.max_keys && !expiry_.empty()) {
      erase(entries_.find(*expiry_.begin()->second));
      ++evictions_;
    }
  }
  auto [it, fresh] = entries_.try_emplace(std::string(key));
  it->second.by_expiry = expiry_.end();
  (void)fresh;
  return it->second;
}

bool RuleStateStore::get(std::string_view key, int64_t now_ms, StateValue& out) {
  std::lock_guard lock(mutex_);
  auto it = find_live(key, now_ms);
  if (it == entries_.end()) return false;
  out = it->second.value;
  return true;
}

void RuleStateStore::set(std::string_view key, const StateValue& value, int64_t now_ms,
                         int64_t ttl_ms) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (value.type == StateValue::Type::kNil) {
    if (it != entries_.end()) erase(it);
    return;
  }
  if (it == entries_.end()) {
    insert(key, now_ms);
    it = entries_.find(key);
  }
  it->second.value = value;
  set_expiry(it, now_ms + ttl_of(ttl_ms));
  dirty_ = true;
}

bool RuleStateStore::incr(std::string_view key, const StateValue& delta, int64_t now_ms,
                          int64_t ttl_ms, StateValue& out) {
  std::lock_guard lock(mutex_);
  auto it = find_live(key, now_ms);
  if (it == entries_.end()) {
    insert(key, now_ms);
    it = entries_.find(key);
    it->second.value = delta;
    set_expiry(it, now_ms + ttl_of(ttl_ms));
  } else {
    StateValue& v = it->second.value;
    if (!is_number(v)) return false;
    int64_t sum = 0;
    if (v.type == StateValue::Type::kInt && delta.type == StateValue::Type::kInt &&
        !__builtin_add_overflow(v.i, delta.i, &sum)) {
      v.i = sum;
    } else {
      v.f = as_double(v) + as_double(delta);
      v.type = StateValue::Type::kFloat;
    }
  }
  dirty_ = true;
  out = it->second.value;
  return true;
}

void RuleStateStore::sweep(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  while (!expiry_.empty() && expiry_.begin()->first <= now_ms) {
    erase(entries_.find(*expiry_.begin()->second));
  }
}

std::string RuleStateStore::encode() const {
  JsonWriter w;
  w.begin_object();
  w.key("version").value(1);
  w.key("rule_id").value(rule_id_);
  w.key("entries").begin_array();
  for (const auto& [key, entry] : entries_) {
    w.begin_object();
    w.key("k").value(key);
    w.key("t").value(type_code(entry.value.type));
    w.key("v");
    switch (entry.value.type) {
      case StateValue::Type::kBool:
        w.value(entry.value.b);
        break;
      case StateValue::Type::kInt:
        w.value(entry.value.i);
        break;
      case StateValue::Type::kFloat:
        w.value(entry.value.f);
        break;
      case StateValue::Type::kString:
        w.value(entry.value.s);
        break;
      case StateValue::Type::kNil:
        w.null();
        break;
    }
    w.key("e").value(entry.expires_ms);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

bool RuleStateStore::save(std::string& error) {
  if (path_.empty()) return true;
  std::string data;
  {
    std::lock_guard lock(mutex_);
    if (!dirty_) return true;
    data = encode();
    dirty_ = false;
  }
  if (write_file_atomically(path_, data, error)) return true;
  std::lock_guard lock(mutex_);
  dirty_ = true;
  return false;
}

bool RuleStateStore::load(std::string& error) {
  if (path_.empty()) return true;
  std::error_code ec;
  if (!fs::exists(path_, ec)) return true;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string text;
  bool ok = !simdjson::padded_string::load(path_).get(text) && !parser.parse(text).get(doc);
  simdjson::dom::array entries;
  ok = ok && !doc["entries"].get_array().get(entries);
  std::lock_guard lock(mutex_);
  if (ok) {
    for (simdjson::dom::element e : entries) {
      std::string_view key;
      std::string_view type;
      int64_t expires = 0;
      if (e["k"].get_string().get(key) || e["t"].get_string().get(type) ||
          e["e"].get_int64().get(expires)) {
        ok = false;
        break;
      }
      StateValue v;
      simdjson::dom::element raw = e["v"].value_unsafe();
      if (type == "b" && raw.is_bool()) {
        v.type = StateValue::Type::kBool;
        v.b = raw.get_bool().value_unsafe();
      } else if (type == "i" && raw.is_int64()) {
        v.type = StateValue::Type::kInt;
        v.i = raw.get_int64().value_unsafe();
      } else if (type == "f" && raw.is_number()) {
        v.type = StateValue::Type::kFloat;
        v.f = raw.get_double().value_unsafe();
      } else if (type == "s" && raw.is_string()) {
        v.type = StateValue::Type::kString;
        v.s = std::string(raw.get_string().value_unsafe());
      } else {
        ok = false;
        break;
      }
      auto [it, fresh] = entries_.try_emplace(std::string(key));
      if (!fresh) expiry_.erase(it->second.by_expiry);
      it->second.value = std::move(v);
      it->second.by_expiry = expiry_.end();
      set_expiry(it, expires);
    }
  }
  dirty_ = false;
  if (ok) return true;
  entries_.clear();
  expiry_.clear();
  const std::string aside = path_ + ".corrupt";
  fs::rename(path_, aside, ec);
  error = "unreadable state file " + path_ + " (moved to " + aside + ")";
  return false;
}

std::shared_ptr<RuleStateStore> acquire_state_store(const std::string& state_dir,
                                                    const std::string& rule_id,
                                                    const StateLimits& limits) {
  if (state_dir.empty()) return std::make_shared<RuleStateStore>(rule_id, "", limits);
  // A store leaves the registry only after its last holder saved it, so a rule set that asks for
  // it in the meantime waits for the file instead of reading a stale one.
  struct Registry {
    std::mutex mutex;
    std::condition_variable released;
    std::map<std::string, std::weak_ptr<RuleStateStore>> stores;
  };
  static Registry* registry = new Registry;  // never destroyed: stores may outlive statics
  const std::string path = state_file_path(state_dir, rule_id);
  std::unique_lock lock(registry->mutex);
  for (;;) {
    auto it = registry->stores.find(path);
    if (it == registry->stores.end()) break;
    if (auto alive = it->second.lock()) {
      alive->set_limits(limits);
      return alive;
    }
    registry->released.wait(lock);
  }
  auto release = [path](RuleStateStore* store) {
    std::string error;
    if (!store->save(error)) {
      log::warn("lua rule state not saved", {{"rule_id", store->rule_id()}, {"error", error}});
    }
    delete store;
    std::lock_guard guard(registry->mutex);
    registry->stores.erase(path);
    registry->released.notify_all();
  };
  std::shared_ptr<RuleStateStore> store(new RuleStateStore(rule_id, path, limits), release);
  std::string error;
  if (!store->load(error)) {
    log::warn("lua rule state reset", {{"rule_id", rule_id}, {"error", error}});
  }
  registry->stores[path] = store;
  return store;
}

}  // namespace tripline::lua
