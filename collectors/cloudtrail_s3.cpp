#include "collectors/cloudtrail_s3.h"

#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "collectors/cloud/delivery_file.h"
#include "collectors/cloud/input_info.h"
#include "collectors/parsers/parser_factory.h"
#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

constexpr auto kSaveInterval = std::chrono::seconds(1);

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string basename_of(const std::string& key) {
  const size_t slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// The smallest key greater than every key starting with `prefix` (which ends in '/'): '/' + 1 is
// '0', and no byte lies between them.
std::string skip_past(const std::string& prefix) {
  std::string s = prefix;
  s.back() = static_cast<char>('/' + 1);
  return s;
}

struct DatedKey {
  std::string partition;    // "<...>/" when the key is "<...>/YYYY/MM/DD/<name>"
  std::string skip_prefix;  // "<...>/CloudTrail-Digest/" for digest keys
};

DatedKey split_dated_key(const std::string& key) {
  DatedKey out;
  const size_t digest = key.find("/CloudTrail-Digest/");
  if (key.rfind("CloudTrail-Digest/", 0) == 0) {
    out.skip_prefix = "CloudTrail-Digest/";
    return out;
  }
  if (digest != std::string::npos) {
    out.skip_prefix = key.substr(0, digest + 19);
    return out;
  }
  const size_t name = key.rfind('/');
  if (name == std::string::npos || name < 10) return out;
  const std::string_view d = std::string_view(key).substr(name - 10, 11);  // YYYY/MM/DD/
  if (!all_digits(d.substr(0, 4)) || d[4] != '/' || !all_digits(d.substr(5, 2)) || d[7] != '/' ||
      !all_digits(d.substr(8, 2))) {
    return out;
  }
  if (name > 10 && key[name - 11] != '/') return out;
  out.partition = key.substr(0, name - 10);
  return out;
}

// "YYYY/MM/DD" right after the partition prefix, as a day count; nullopt when the key is not
// date-laid-out.
std::optional<std::chrono::sys_days> key_day(const std::string& prefix, const std::string& key) {
  if (key.size() < prefix.size() + 11) return std::nullopt;
  const std::string_view d = std::string_view(key).substr(prefix.size(), 11);
  if (!all_digits(d.substr(0, 4)) || d[4] != '/' || !all_digits(d.substr(5, 2)) || d[7] != '/' ||
      !all_digits(d.substr(8, 2)) || d[10] != '/') {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year(std::stoi(std::string(d.substr(0, 4)))),
      std::chrono::month(static_cast<unsigned>(std::stoi(std::string(d.substr(5, 2))))),
      std::chrono::day(static_cast<unsigned>(std::stoi(std::string(d.substr(8, 2)))))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

std::string day_path(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

CloudTrailS3Collector::CloudTrailS3Collector(std::shared_ptr<const InputInfo> input,
                                             Options options, const std::string& state_dir)
    : input_(std::move(input)),
      options_(std::move(options)),
      emitter_(input_, std::shared_ptr<const Parser>(make_parser("cloudtrail")),
               options_.batch_size),
      store_(state_dir, input_->name, "cloudtrail_s3"),
      client_(options_.s3),
      scratch_file_(state_dir + "/tmp/" + std::filesystem::path(store_.file()).stem().string() +
                    ".object") {
  load_checkpoint();
}

CloudTrailS3Collector::~CloudTrailS3Collector() {
  stop();
  std::error_code ec;
  std::filesystem::remove(scratch_file_, ec);
}

void CloudTrailS3Collector::load_checkpoint() {
  std::string state;
  fresh_start_ = store_.load(state) != CursorStore::LoadResult::kLoaded;
  if (fresh_start_) return;
  simdjson::dom::parser parser;
  simdjson::dom::object parts;
  if (parser.parse(state).get_object()["partitions"].get_object().get(parts)) return;
  std::lock_guard lock(mu_);
  for (auto [prefix, value] : parts) {
    Partition p;
    std::string_view floor;
    bool dated = false;
    simdjson::dom::array done;
    if (value["floor"].get_string().get(floor) || value["dated"].get_bool().get(dated) ||
        value["done"].get_array().get(done)) {
      continue;
    }
    p.floor = std::string(floor);
    p.dated = dated;
    for (simdjson::dom::element k : done) {
      std::string_view key;
      if (!k.get_string().get(key)) p.done.emplace(key);
    }
    partitions_[std::string(prefix)] = std::move(p);
  }
}

void CloudTrailS3Collector::save_checkpoint(bool force) {
  std::lock_guard save_lock(save_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_save_ < kSaveInterval) return;
  std::string state;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return;
    JsonWriter w;
    w.begin_object().key("partitions").begin_object();
    for (const auto& [prefix, p] : partitions_) {
      w.key(prefix).begin_object();
      w.key("dated").value(p.dated);
      w.key("floor").value(p.floor);
      w.key("done").begin_array();
      for (const std::string& k : p.done) w.value(k);
      w.end_array().end_object();
    }
    w.end_object().end_object();
    state = w.take();
    dirty_ = false;
  }
  if (!store_.save(state)) {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  last_save_ = now;
}

void CloudTrailS3Collector::flush_checkpoints() { save_checkpoint(true); }

void CloudTrailS3Collector::mark_done(const std::string& prefix, const std::string& key) {
  std::lock_guard lock(mu_);
  partitions_[prefix].done.insert(key);
  dirty_ = true;
}

bool CloudTrailS3Collector::is_done(const std::string& prefix, const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(prefix);
  return it != partitions_.end() && (key <= it->second.floor || it->second.done.count(key));
}

size_t CloudTrailS3Collector::committed_objects() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [_, p] : partitions_) n += p.done.size();
  return n;
}

std::string CloudTrailS3Collector::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

bool CloudTrailS3Collector::stopping() const {
  std::lock_guard lock(stop_mu_);
  return stopping_;
}

// Finds the partitions by skip-scanning the key space: the first key of a date-laid-out prefix
// names the partition, and the next listing starts after everything under it. One request per
// partition instead of one per object, and no reliance on delimiter listings of nested prefixes
// (which some S3-compatible stores do not report).
bool CloudTrailS3Collector::discover(const AwsCredentials& creds,
                                     std::map<std::string, bool>& partitions,
                                     std::string& error) {
  std::string start_after;
  for (;;) {
    S3ListPage page;
    S3Error s3err;
    if (!client_.list_objects(creds, options_.prefix, "", start_after, "", page, s3err)) {
      error = "list s3://" + options_.s3.bucket + "/" + options_.prefix + ": " + s3err.to_string();
      return false;
    }
    if (page.objects.empty() || stopping()) return true;
    bool skipped = false;
    for (const S3Object& o : page.objects) {
      std::string partition;
      const DatedKey k = split_dated_key(o.key);
      if (!k.skip_prefix.empty()) {
        start_after = skip_past(k.skip_prefix);
        skipped = true;
        break;
      }
      if (!k.partition.empty()) {
        partitions[k.partition] = true;
        start_after = skip_past(k.partition);
        skipped = true;
        break;
      }
      if (is_delivery_name(basename_of(o.key))) {
        const size_t slash = o.key.rfind('/');
        partitions[slash == std::string::npos ? "" : o.key.substr(0, slash + 1)] = false;
      }
      start_after = o.key;
    }
    if (!skipped && !page.truncated) return true;
  }
}

bool CloudTrailS3Collector::fetch_and_emit(BatchConsumer& out, const AwsCredentials& creds,
                                           const std::string& prefix, const std::string& key,
                                           bool& aborted, std::string& error) {
  aborted = false;
  std::string body;
  S3Error s3err;
  if (!client_.get_object(creds, key, body, s3err)) {
    if (s3err.http_status == 404) return true;  // deleted since listed
    error = "get s3://" + options_.s3.bucket + "/" + key + ": " + s3err.to_string();
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(scratch_file_).parent_path(), ec);
  {
    std::ofstream f(scratch_file_, std::ios::binary | std::ios::trunc);
    f.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!f) {
      error = "cannot write " + scratch_file_;
      return false;
    }
  }
  std::string().swap(body);
  std::vector<std::string> records;
  std::string read_error;
  if (!read_delivery_file(scratch_file_, records, read_error)) {
    // Objects are written atomically in S3: a bad one is bad, not half-uploaded. Retried a few
    // polls in case of a transient read problem, then skipped and counted.
    if (++failures_[key] >= options_.max_attempts) {
      log::warn("skipping unreadable CloudTrail object",
                {{"input", input_->name}, {"key", key}, {"error", read_error}});
      Metrics::global().parse_errors(input_->name).Increment();
      Metrics::global().events_dropped(input_->name, "unreadable_file").Increment();
      failures_.erase(key);
      mark_done(prefix, key);
    }
    return true;
  }
  failures_.erase(key);
  in_flight_.insert(key);
  const std::string origin = "s3://" + options_.s3.bucket + "/" + key;
  if (!emitter_.emit(out, origin, records, [this, prefix, key] { mark_done(prefix, key); })) {
    aborted = true;
  }
  return true;
}

void CloudTrailS3Collector::advance_floor(const std::string& prefix,
                                          const std::vector<std::string>& listed) {
  std::lock_guard lock(mu_);
  Partition& p = partitions_[prefix];
  const std::string old_floor = p.floor;
  if (p.dated) {
    std::optional<std::chrono::sys_days> newest;
    for (const std::string& k : p.done) {
      if (auto d = key_day(prefix, k); d && (!newest || *d > *newest)) newest = d;
    }
    if (newest) {
      const std::string floor =
          prefix + day_path(*newest - std::chrono::days(options_.late_arrival_days));
      if (floor > p.floor) p.floor = floor;
    }
  } else {
    // Every listed key up to the first one not yet committed.
    for (const std::string& k : listed) {
      if (!p.done.count(k) && k > p.floor) break;
      p.floor = std::max(p.floor, k);
    }
  }
  if (p.floor != old_floor) {
    p.done.erase(p.done.begin(), p.done.upper_bound(p.floor));
    dirty_ = true;
  }
}

bool CloudTrailS3Collector::poll_partition(BatchConsumer& out, const AwsCredentials& creds,
                                           const std::string& prefix, bool dated,
                                           std::string& error) {
  std::string start_after;
  {
    std::lock_guard lock(mu_);
    Partition& p = partitions_[prefix];
    if (p.dated != dated) dirty_ = true;
    p.dated = dated;
    start_after = p.floor;
  }
  std::vector<std::string> listed;
  std::string token;
  do {
    S3ListPage page;
    S3Error s3err;
    if (!client_.list_objects(creds, prefix, dated ? "" : "/", token.empty() ? start_after : "",
                              token, page, s3err)) {
      error = "list s3://" + options_.s3.bucket + "/" + prefix + ": " + s3err.to_string();
      return false;
    }
    for (const S3Object& o : page.objects) {
      if (stopping()) return true;
      if (!is_delivery_name(basename_of(o.key))) continue;
      listed.push_back(o.key);
      if (is_done(prefix, o.key)) {
        in_flight_.erase(o.key);
        continue;
      }
      if (in_flight_.count(o.key)) continue;
      if (fresh_start_ && options_.start_at_end) {
        mark_done(prefix, o.key);
        continue;
      }
      bool aborted = false;
      if (!fetch_and_emit(out, creds, prefix, o.key, aborted, error)) return false;
      if (aborted) {
        error = "pipeline stopped";
        return false;
      }
      save_checkpoint(false);
    }
    token = page.truncated ? page.next_token : "";
  } while (!token.empty());
  advance_floor(prefix, listed);
  return true;
}

bool CloudTrailS3Collector::poll_once(BatchConsumer& out, std::string& error) {
  AwsCredentials creds;
  bool ok = options_.credentials.resolve(creds, error);
  std::map<std::string, bool> partitions;
  ok = ok && discover(creds, partitions, error);
  for (auto it = partitions.begin(); ok && it != partitions.end() && !stopping(); ++it) {
    ok = poll_partition(out, creds, it->first, it->second, error);
  }
  if (ok) fresh_start_ = false;
  save_checkpoint(!ok);
  std::lock_guard lock(error_mu_);
  if (!ok) {
    if (last_error_ != error) {
      log::error("CloudTrail S3 poll failed; retrying with backoff",
                 {{"input", input_->name}, {"error", error}});
    }
    last_error_ = error;
    ++failed_polls_;
  } else if (!last_error_.empty()) {
    log::info("CloudTrail S3 polling recovered", {{"input", input_->name}});
    last_error_.clear();
  }
  return ok;
}

void CloudTrailS3Collector::run(BatchConsumer* out) {
  std::chrono::milliseconds backoff{1000};
  for (;;) {
    std::string error;
    std::chrono::milliseconds wait = options_.poll_interval;
    if (!poll_once(*out, error)) {
      if (error == "pipeline stopped") return;
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    } else {
      backoff = std::chrono::milliseconds(1000);
    }
    std::unique_lock lock(stop_mu_);
    if (stop_cv_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

void CloudTrailS3Collector::start(BatchConsumer& out) {
  thread_ = std::thread([this, &out] { run(&out); });
}

void CloudTrailS3Collector::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<Collector> make_cloudtrail_s3_collector(const InputConfig& config,
                                                        const CollectorContext& context,
                                                        Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "inputs", diags);
  CloudTrailS3Collector::Options o;
  m.get("bucket", o.s3.bucket, true);
  m.get("prefix", o.prefix);
  m.get("region", o.s3.region);
  std::string endpoint;
  m.get("endpoint", endpoint);
  const bool custom_endpoint = !endpoint.empty();
  if (!custom_endpoint) endpoint = "https://s3." + o.s3.region + ".amazonaws.com";
  std::string url_error;
  if (!parse_url(endpoint, o.s3.endpoint, url_error)) {
    m.error("endpoint", "config.invalid-value", "endpoint: " + url_error);
  }
  // S3-compatible stores are usually addressed by path; AWS by virtual host.
  o.s3.path_style = custom_endpoint;
  m.get("path_style", o.s3.path_style);
  m.get("profile", o.credentials.profile);
  m.get("credentials_file", o.credentials.credentials_file);
  m.get("access_key_id", o.credentials.inline_credentials.access_key_id);
  m.get_secret("secret_access_key", o.credentials.inline_credentials.secret_access_key);
  m.get_secret("session_token", o.credentials.inline_credentials.session_token);
  if (o.credentials.inline_credentials.access_key_id.empty() !=
      o.credentials.inline_credentials.secret_access_key.empty()) {
    m.error("access_key_id", "config.invalid-value",
            "access_key_id and secret_access_key (or secret_access_key_file) go together");
  }
  if (m.has("tls")) {
    YAML::Node tls = m.node("tls");
    YamlMap t(tls, "inputs." + config.name + ".tls", config.mark.file, diags);
    t.get("ca_file", o.s3.tls.ca_file);
    bool verify = true;
    t.get("verify", verify);
    t.finish();
    o.s3.tls.insecure_skip_verify = !verify;
    o.s3.tls.ca_file = resolve_config_path(o.s3.tls.ca_file, context);
  }
  m.get_duration("poll_interval", o.poll_interval);
  m.get_duration("request_timeout", o.s3.timeout);
  m.get_duration("max_backoff", o.max_backoff);
  m.get_size("max_object_size", o.s3.max_object_bytes);
  if (m.get("list_page_size", o.s3.page_size) && (o.s3.page_size < 1 || o.s3.page_size > 1000)) {
    m.error("list_page_size", "config.invalid-value", "list_page_size must be 1..1000");
  }
  std::chrono::milliseconds late{std::chrono::hours(24)};
  if (m.get_duration("late_arrival_window", late)) {
    if (late < std::chrono::hours(24) || late.count() % (24 * 3600 * 1000) != 0) {
      m.error("late_arrival_window", "config.invalid-value",
              "late_arrival_window is a whole number of days (1d, 2d, ...)");
    }
  }
  o.late_arrival_days = static_cast<int>(late.count() / (24 * 3600 * 1000));
  std::string start_at = "beginning";
  m.get_enum("start_at", start_at, {"beginning", "end"});
  o.start_at_end = start_at == "end";
  uint64_t batch = o.batch_size;
  if (m.get("batch_size", batch) && (batch == 0 || batch > 100000)) {
    m.error("batch_size", "config.invalid-value", "batch_size must be between 1 and 100000");
  }
  o.batch_size = static_cast<size_t>(batch);
  if (m.get("max_attempts", o.max_attempts) && o.max_attempts < 1) {
    m.error("max_attempts", "config.invalid-value", "max_attempts must be at least 1");
  }
  if (o.poll_interval.count() <= 0 || o.s3.timeout.count() <= 0) {
    m.error("poll_interval", "config.invalid-value", "intervals must be positive");
  }
  if (!o.prefix.empty() && o.prefix.back() != '/') o.prefix.push_back('/');
  o.credentials.credentials_file = resolve_config_path(o.credentials.credentials_file, context);
  m.finish();
  if (diags.error_count() > errors_before) return nullptr;
  return std::make_unique<CloudTrailS3Collector>(
      make_input_info(config, context, default_logsource("cloudtrail")), std::move(o),
      context.state_dir);
}

}  // namespace tripline
