#include "rules/state/state_registry.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/digest.h"
#include "core/log.h"
#include "rules/state/state_metrics.h"

namespace tripline::state {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFolder = "rule-state";

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
    out += keep ? c : '_';
    if (out.size() >= 64) break;
  }
  return out;
}

std::string registry_key(const std::string& kind, const std::string& rule_id,
                         const std::string& digest) {
  return kind + '\x1f' + rule_id + '\x1f' + digest;
}

}  // namespace

StateRegistry::StateRegistry(std::string state_dir) : state_dir_(std::move(state_dir)) {}

std::string StateRegistry::file_for(const std::string& kind, const std::string& rule_id,
                                    const std::string& digest) const {
  if (state_dir_.empty()) return "";
  // The hash keeps ids that sanitise alike ("a/b", "a_b") apart; the digest keeps the state of
  // an edited rule from being read back as the state of the new definition.
  const std::string name = safe_name(kind) + "-" + safe_name(rule_id) + "-" +
                           sha256_hex(registry_key(kind, rule_id, digest), 16) + ".json";
  return (fs::path(state_dir_) / kFolder / name).string();
}

void StateRegistry::load(Entry& entry) {
  if (entry.file.empty()) return;
  std::error_code ec;
  if (!fs::exists(entry.file, ec)) return;
  std::ifstream in(entry.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  if (in.bad() || !in.is_open()) {
    error = "cannot read the file";
  } else if (entry.state->decode(text.str(), error)) {
    return;
  }
  StateMetrics::for_rule(entry.rule_id).load_errors->Increment();
  const std::string aside = entry.file + ".corrupt";
  fs::rename(entry.file, aside, ec);
  log::warn("rule state file unreadable; the rule starts with empty state",
            {{"rule_id", entry.rule_id}, {"file", entry.file}, {"error", error},
             {"moved_to", ec ? std::string_view("(not moved)") : std::string_view(aside)}});
}

std::shared_ptr<PersistentState> StateRegistry::acquire(const std::string& kind,
                                                        const std::string& rule_id,
                                                        const std::string& digest,
                                                        const Factory& make,
                                                        std::string* key_out) {
  const std::string key = registry_key(kind, rule_id, digest);
  if (key_out) *key_out = key;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second.state;
  Entry entry{make(), rule_id, file_for(kind, rule_id, digest)};
  if (!entry.state) return nullptr;
  load(entry);
  return entries_.emplace(key, std::move(entry)).first->second.state;
}

void StateRegistry::retain(const std::set<std::string>& keys) {
  std::lock_guard lock(mutex_);
  std::set<std::string> kept_files;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (keys.count(it->first)) {
      if (!it->second.file.empty()) kept_files.insert(fs::path(it->second.file).filename());
      ++it;
      continue;
    }
    if (!it->second.file.empty()) {
      std::error_code ec;
      fs::remove(it->second.file, ec);
    }
    it = entries_.erase(it);
  }
  if (state_dir_.empty()) return;
  std::error_code ec;
  for (fs::directory_iterator d(fs::path(state_dir_) / kFolder, ec), end; !ec && d != end;
       d.increment(ec)) {
    const std::string name = d->path().filename().string();
    if (d->path().extension() == ".json" && !kept_files.count(name)) {
      std::error_code rm;
      fs::remove(d->path(), rm);
    }
  }
}

bool StateRegistry::save_all(std::string& error) {
  std::vector<std::pair<std::string, std::shared_ptr<PersistentState>>> dirty;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, entry] : entries_) {
      if (!entry.file.empty() && entry.state->dirty()) dirty.emplace_back(entry.file, entry.state);
    }
  }
  bool ok = true;
  for (const auto& [file, state] : dirty) {
    std::string why;
    if (!write_file_atomically(file, state->encode(), why)) {
      state->set_dirty();
      ok = false;
      if (!error.empty()) error += "; ";
      error += why;
    }
  }
  return ok;
}

void StateRegistry::publish_metrics() {
  std::lock_guard lock(mutex_);
  for (auto& [key, entry] : entries_) entry.state->publish_metrics();
}

size_t StateRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace tripline::state
