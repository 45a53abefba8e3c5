#include "collectors/cloudtrail_dir.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "collectors/cloud/delivery_file.h"
#include "collectors/cloud/input_info.h"
#include "collectors/parsers/parser_factory.h"
#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace fs = std::filesystem;
namespace {

constexpr auto kSaveInterval = std::chrono::seconds(1);

struct Candidate {
  std::string rel;
  uintmax_t size = 0;
  int64_t mtime_ns = 0;
};

std::pair<std::string, std::string> split_rel(const std::string& rel) {
  const size_t slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

bool stat_file(const std::string& path, uintmax_t& size, int64_t& mtime_ns) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  size = static_cast<uintmax_t>(st.st_size);
  mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

}  // namespace

CloudTrailDirCollector::CloudTrailDirCollector(std::shared_ptr<const InputInfo> input,
                                               CloudTrailDirOptions options,
                                               const std::string& state_dir)
    : input_(std::move(input)),
      options_(std::move(options)),
      emitter_(input_, std::shared_ptr<const Parser>(make_parser("cloudtrail")),
               options_.batch_size),
      store_(state_dir, input_->name, "cloudtrail") {
  load_checkpoint();
}

CloudTrailDirCollector::~CloudTrailDirCollector() { stop(); }

void CloudTrailDirCollector::load_checkpoint() {
  std::string state;
  const CursorStore::LoadResult r = store_.load(state);
  fresh_start_ = r != CursorStore::LoadResult::kLoaded;
  if (fresh_start_) return;
  simdjson::dom::parser parser;
  simdjson::dom::object dirs;
  if (parser.parse(state).get_object()["dirs"].get_object().get(dirs)) return;
  std::lock_guard lock(mu_);
  for (auto [dir, names] : dirs) {
    simdjson::dom::array list;
    if (names.get_array().get(list)) continue;
    auto& set = done_[std::string(dir)];
    for (simdjson::dom::element n : list) {
      std::string_view name;
      if (!n.get_string().get(name)) set.emplace(name);
    }
  }
}

std::string CloudTrailDirCollector::encode_state() const {
  JsonWriter w;
  w.begin_object().key("dirs").begin_object();
  for (const auto& [dir, names] : done_) {
    if (names.empty()) continue;
    w.key(dir).begin_array();
    for (const std::string& n : names) w.value(n);
    w.end_array();
  }
  w.end_object().end_object();
  return w.take();
}

void CloudTrailDirCollector::save_checkpoint(bool force) {
  std::lock_guard save_lock(save_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_save_ < kSaveInterval) return;
  std::string state;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return;
    state = encode_state();
    dirty_ = false;
  }
  if (!store_.save(state)) {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  last_save_ = now;
}

void CloudTrailDirCollector::flush_checkpoints() { save_checkpoint(true); }

void CloudTrailDirCollector::mark_done(const std::string& rel) {
  auto [dir, name] = split_rel(rel);
  std::lock_guard lock(mu_);
  done_[dir].insert(name);
  dirty_ = true;
}

bool CloudTrailDirCollector::is_done(const std::string& rel) const {
  auto [dir, name] = split_rel(rel);
  std::lock_guard lock(mu_);
  auto it = done_.find(dir);
  return it != done_.end() && it->second.count(name) > 0;
}

size_t CloudTrailDirCollector::done_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [_, names] : done_) n += names.size();
  return n;
}

bool CloudTrailDirCollector::process_file(BatchConsumer& out, const std::string& rel,
                                          uintmax_t size, int64_t mtime_ns) {
  // A file created but not yet written reads as no records: marked done then, its records would
  // never be read. It is read once it has bytes.
  if (size == 0) return true;
  const std::string path = options_.dir + "/" + rel;
  std::vector<std::string> records;
  std::string error;
  const bool read = read_delivery_file(path, records, error);
  uintmax_t size_after = 0;
  int64_t mtime_after = 0;
  if (!stat_file(path, size_after, mtime_after)) return true;  // gone; the next scan forgets it
  if (size_after != size || mtime_after != mtime_ns) return true;  // still growing: next scan
  if (!read) {
    Failure& f = failures_[rel];
    if (f.size != size || f.mtime_ns != mtime_ns) f = {size, mtime_ns, 0, false};
    if (++f.attempts < options_.max_attempts) return true;
    // The same bytes failed every time: a broken file, not one being written. Skipped until it
    // changes (not checkpointed, so a rewritten file is read again).
    f.given_up = true;
    log::warn("skipping unreadable CloudTrail file",
              {{"input", input_->name}, {"file", path}, {"error", error}});
    Metrics::global().parse_errors(input_->name).Increment();
    Metrics::global().events_dropped(input_->name, "unreadable_file").Increment();
    return true;
  }
  failures_.erase(rel);
  in_flight_.insert(rel);
  return emitter_.emit(out, path, records, [this, rel] { mark_done(rel); });
}

bool CloudTrailDirCollector::scan_once(BatchConsumer& out) {
  std::vector<Candidate> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(options_.dir, fs::directory_options::skip_permission_denied,
                                      ec);
  if (ec) {
    log::warn("cannot scan CloudTrail directory",
              {{"input", input_->name}, {"dir", options_.dir}, {"error", ec.message()}});
    return true;
  }
  bool complete_scan = true;
  const auto now = fs::file_time_type::clock::now();
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      complete_scan = false;
      break;
    }
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name == "CloudTrail-Digest" || (!name.empty() && name[0] == '.')) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(ec) || !is_delivery_name(name)) continue;
    Candidate c;
    c.rel = it->path().lexically_relative(options_.dir).string();
    if (!stat_file(it->path().string(), c.size, c.mtime_ns)) continue;
    if (options_.ignore_older && it->last_write_time(ec) < now - *options_.ignore_older) continue;
    found.push_back(std::move(c));
  }
  std::sort(found.begin(), found.end(),
            [](const Candidate& a, const Candidate& b) { return a.rel < b.rel; });

  if (complete_scan) {
    // Forget files that left the tree (or aged out), so the checkpoint stays as large as the tree.
    std::set<std::string> present;
    for (const Candidate& c : found) present.insert(c.rel);
    std::lock_guard lock(mu_);
    for (auto d = done_.begin(); d != done_.end();) {
      for (auto n = d->second.begin(); n != d->second.end();) {
        const std::string rel = d->first.empty() ? *n : d->first + "/" + *n;
        if (present.count(rel)) {
          ++n;
        } else {
          n = d->second.erase(n);
          dirty_ = true;
        }
      }
      d = d->second.empty() ? done_.erase(d) : std::next(d);
    }
    std::erase_if(failures_, [&](const auto& f) { return !present.count(f.first); });
    std::erase_if(in_flight_, [&](const std::string& rel) {
      auto [dir, name] = split_rel(rel);
      auto d = done_.find(dir);
      return !present.count(rel) || (d != done_.end() && d->second.count(name));
    });
  }

  if (fresh_start_ && options_.start_at_end) {
    for (const Candidate& c : found) mark_done(c.rel);
    fresh_start_ = false;
    save_checkpoint(true);
    return true;
  }
  fresh_start_ = false;

  double pending_bytes = 0;
  for (const Candidate& c : found) {
    if (!is_done(c.rel)) pending_bytes += static_cast<double>(c.size);
  }
  Metrics::global().input_lag_bytes(input_->name).Set(pending_bytes);

  for (const Candidate& c : found) {
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return true;
    }
    if (is_done(c.rel)) {
      in_flight_.erase(c.rel);
      continue;
    }
    if (in_flight_.count(c.rel)) continue;
    auto f = failures_.find(c.rel);
    if (f != failures_.end() && f->second.given_up && f->second.size == c.size &&
        f->second.mtime_ns == c.mtime_ns) {
      continue;
    }
    if (!process_file(out, c.rel, c.size, c.mtime_ns)) return false;
    save_checkpoint(false);
  }
  save_checkpoint(false);
  return true;
}

void CloudTrailDirCollector::run(BatchConsumer* out) {
  for (;;) {
    if (!scan_once(*out)) return;
    std::unique_lock lock(stop_mu_);
    if (stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) return;
  }
}

void CloudTrailDirCollector::start(BatchConsumer& out) {
  thread_ = std::thread([this, &out] { run(&out); });
}

void CloudTrailDirCollector::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<Collector> make_cloudtrail_dir_collector(const InputConfig& config,
                                                         const CollectorContext& context,
                                                         Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "inputs", diags);
  CloudTrailDirOptions o;
  m.get("dir", o.dir, true);
  m.get_duration("poll_interval", o.poll_interval);
  std::string start_at = "beginning";
  m.get_enum("start_at", start_at, {"beginning", "end"});
  o.start_at_end = start_at == "end";
  if (m.has("ignore_older")) {
    std::chrono::milliseconds older{0};
    if (m.get_duration("ignore_older", older)) o.ignore_older = older;
  }
  uint64_t batch = o.batch_size;
  if (m.get("batch_size", batch) && (batch == 0 || batch > 100000)) {
    m.error("batch_size", "config.invalid-value", "batch_size must be between 1 and 100000");
  }
  o.batch_size = static_cast<size_t>(batch);
  if (m.get("max_attempts", o.max_attempts) && o.max_attempts < 1) {
    m.error("max_attempts", "config.invalid-value", "max_attempts must be at least 1");
  }
  if (o.poll_interval.count() <= 0) {
    m.error("poll_interval", "config.invalid-value", "poll_interval must be positive");
  }
  m.finish();
  if (diags.error_count() > errors_before) return nullptr;
  o.dir = resolve_config_path(o.dir, context);
  while (o.dir.size() > 1 && o.dir.back() == '/') o.dir.pop_back();
  return std::make_unique<CloudTrailDirCollector>(
      make_input_info(config, context, default_logsource("cloudtrail")), std::move(o),
      context.state_dir);
}

}  // namespace tripline
