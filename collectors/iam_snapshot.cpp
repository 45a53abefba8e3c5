#include "collectors/iam_snapshot.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collectors/cloud/input_info.h"
#include "collectors/parsers/parser_factory.h"
#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

bool read_whole(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

IamSnapshotCollector::IamSnapshotCollector(std::shared_ptr<const InputInfo> input, Options options,
                                           const std::string& state_dir)
    : input_(std::move(input)),
      options_(std::move(options)),
      emitter_(input_, std::shared_ptr<const Parser>(make_parser("jsonl")), 500),
      store_(state_dir, input_->name, "iam_snapshot") {
  std::string state;
  if (store_.load(state) == CursorStore::LoadResult::kLoaded) {
    simdjson::dom::parser parser;
    simdjson::dom::array files;
    if (!parser.parse(state).get_object()["done"].get_array().get(files)) {
      for (simdjson::dom::element f : files) {
        std::string_view name;
        if (!f.get_string().get(name)) done_.emplace(name);
      }
    }
  }
}

IamSnapshotCollector::~IamSnapshotCollector() { stop(); }

bool IamSnapshotCollector::load_baseline() {
  const int64_t m = mtime_ns(options_.baseline);
  if (baseline_loaded_ && m == baseline_mtime_ns_) return true;
  std::string text, error;
  IamSnapshot fresh;
  if (!read_whole(options_.baseline, text) || !parse_iam_snapshot(text, fresh, error)) {
    log::error("IAM baseline unreadable; snapshots wait for it",
               {{"input", input_->name}, {"file", options_.baseline}, {"error", error}});
    return baseline_loaded_;  // keep comparing with the last good baseline
  }
  baseline_ = std::move(fresh);
  baseline_loaded_ = true;
  baseline_mtime_ns_ = m;
  return true;
}

void IamSnapshotCollector::flush_checkpoints() {
  std::string state;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return;
    JsonWriter w;
    w.begin_object().key("done").begin_array();
    for (const std::string& f : done_) w.value(f);
    w.end_array().end_object();
    state = w.take();
    dirty_ = false;
  }
  if (!store_.save(state)) {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
}

bool IamSnapshotCollector::poll_once(BatchConsumer& out) {
  if (!load_baseline()) return true;
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(options_.dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) && name.size() > 5 && name.ends_with(".json") && name[0] != '.') {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  {
    // Snapshots that left the directory leave the checkpoint.
    std::lock_guard lock(mu_);
    const std::set<std::string> present(names.begin(), names.end());
    const size_t before = done_.size();
    std::erase_if(done_, [&](const std::string& n) { return !present.count(n); });
    dirty_ = dirty_ || done_.size() != before;
  }
  for (const std::string& name : names) {
    {
      std::lock_guard lock(mu_);
      if (done_.count(name) || in_flight_.count(name)) continue;
    }
    const std::string path = options_.dir + "/" + name;
    std::string text, error;
    IamSnapshot snapshot;
    if (!read_whole(path, text) || !parse_iam_snapshot(text, snapshot, error)) {
      continue;  // still being written, or not a snapshot yet: next poll
    }
    std::vector<std::string> records;
    for (const IamFinding& f : diff_iam(baseline_, snapshot)) records.push_back(f.to_json());
    {
      std::lock_guard lock(mu_);
      in_flight_.insert(name);
    }
    const bool ok = emitter_.emit(out, path, records, [this, name] {
      std::lock_guard lock(mu_);
      in_flight_.erase(name);
      done_.insert(name);
      dirty_ = true;
    });
    if (!ok) return false;
  }
  flush_checkpoints();
  return true;
}

void IamSnapshotCollector::start(BatchConsumer& out) {
  thread_ = std::thread([this, &out] {
    for (;;) {
      if (!poll_once(out)) return;
      std::unique_lock lock(stop_mu_);
      if (stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) return;
    }
  });
}

void IamSnapshotCollector::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<Collector> make_iam_snapshot_collector(const InputConfig& config,
                                                       const CollectorContext& context,
                                                       Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "inputs", diags);
  IamSnapshotCollector::Options o;
  m.get("dir", o.dir, true);
  m.get("baseline", o.baseline, true);
  m.get_duration("poll_interval", o.poll_interval);
  if (o.poll_interval.count() <= 0) {
    m.error("poll_interval", "config.invalid-value", "poll_interval must be positive");
  }
  m.finish();
  if (diags.error_count() > errors_before) return nullptr;
  o.dir = resolve_config_path(o.dir, context);
  o.baseline = resolve_config_path(o.baseline, context);
  return std::make_unique<IamSnapshotCollector>(
      make_input_info(config, context, LogSource{"aws", "iam_snapshot", ""}), std::move(o),
      context.state_dir);
}

}  // namespace tripline
