#include "collectors/journald.h"

#include <simdjson.h>
#include <systemd/sd-journal.h>

#include <cstring>

#include "collectors/cloud/input_info.h"
#include "collectors/parsers/pam_message.h"
#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

const char* const kSeverities[] = {"emerg", "alert", "crit", "err",
                                   "warning", "notice", "info", "debug"};
const char* const kFacilities[] = {"kern",   "user",   "mail",   "daemon", "auth",   "syslog",
                                   "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
                                   "ntp",    "security", "console", "solaris-cron", "local0",
                                   "local1", "local2", "local3", "local4", "local5", "local6",
                                   "local7"};

// The value of FIELD in the current entry, or empty.
std::string field(sd_journal* j, const char* name) {
  const void* data = nullptr;
  size_t len = 0;
  if (sd_journal_get_data(j, name, &data, &len) < 0) return "";
  const size_t prefix = std::strlen(name) + 1;  // "NAME="
  if (len < prefix) return "";
  return std::string(static_cast<const char*>(data) + prefix, len - prefix);
}

bool small_number(const std::string& s, int max, int& out) {
  if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  out = std::stoi(s);
  return out <= max;
}

struct JournalCloser {
  void operator()(sd_journal* j) const { sd_journal_close(j); }
};
using Journal = std::unique_ptr<sd_journal, JournalCloser>;

}  // namespace

JournaldCollector::JournaldCollector(std::shared_ptr<const InputInfo> input, Options options,
                                     const std::string& state_dir)
    : input_(std::move(input)),
      options_(std::move(options)),
      store_(state_dir, input_->name, "journald"),
      events_(Metrics::global().events(input_->name)),
      read_errors_(Metrics::global().parse_errors(input_->name)) {
  std::string state;
  if (store_.load(state) == CursorStore::LoadResult::kLoaded) {
    simdjson::dom::parser parser;
    std::string_view cursor;
    if (!parser.parse(state).get_object()["cursor"].get_string().get(cursor)) {
      initial_cursor_ = std::string(cursor);
      committed_cursor_ = initial_cursor_;
    }
  }
}

JournaldCollector::~JournaldCollector() { stop(); }

std::string JournaldCollector::committed_cursor() const {
  std::lock_guard lock(mu_);
  return committed_cursor_;
}

void JournaldCollector::commit(uint64_t seq, const std::string& cursor) {
  std::lock_guard lock(mu_);
  batch_cursors_[seq + 1] = cursor;
  tracker_.commit(seq, seq + 1);
  // The cursor of the newest batch below which every batch is committed.
  auto it = batch_cursors_.upper_bound(tracker_.committed());
  if (it != batch_cursors_.begin()) {
    committed_cursor_ = std::prev(it)->second;
    dirty_ = true;
    batch_cursors_.erase(batch_cursors_.begin(), it);
  }
}

void JournaldCollector::flush_checkpoints() {
  std::lock_guard save_lock(save_mu_);
  std::string state;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return;
    JsonWriter w;
    w.begin_object().key("cursor").value(committed_cursor_).end_object();
    state = w.take();
    dirty_ = false;
  }
  if (!store_.save(state)) {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
}

void JournaldCollector::run(BatchConsumer* out) {
  sd_journal* raw = nullptr;
  int r = 0;
  if (!options_.files.empty()) {
    std::vector<const char*> paths;
    for (const std::string& f : options_.files) paths.push_back(f.c_str());
    paths.push_back(nullptr);
    r = sd_journal_open_files(&raw, paths.data(), 0);
  } else if (!options_.directory.empty()) {
    r = sd_journal_open_directory(&raw, options_.directory.c_str(), 0);
  } else {
    r = sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY);
  }
  if (r < 0) {
    log::error("cannot open the journal",
               {{"input", input_->name}, {"error", std::strerror(-r)}});
    return;
  }
  Journal j(raw);
  for (const std::string& m : options_.matches) {
    if ((r = sd_journal_add_match(j.get(), m.data(), m.size())) < 0) {
      log::error("bad journal match", {{"input", input_->name}, {"match", m},
                                        {"error", std::strerror(-r)}});
      return;
    }
  }
  bool skip_current = false;
  if (!initial_cursor_.empty() && sd_journal_seek_cursor(j.get(), initial_cursor_.c_str()) >= 0) {
    skip_current = true;  // the checkpointed entry itself was already emitted
  } else if (options_.start_at_end && initial_cursor_.empty()) {
    sd_journal_seek_tail(j.get());
    // After seek_tail, previous() lands on the last entry; next() then returns new ones only.
    sd_journal_previous(j.get());
  } else {
    sd_journal_seek_head(j.get());
  }
  if (skip_current) {
    if (sd_journal_next(j.get()) > 0 && sd_journal_test_cursor(j.get(), initial_cursor_.c_str()) <= 0) {
      // The cursor's entry is gone (journal rotated/vacuumed): this one is new.
      sd_journal_previous(j.get());
    }
  }

  uint64_t seq = 0;
  EventBatch batch;
  std::string batch_cursor;
  auto last_flush = std::chrono::steady_clock::now();
  auto last_save = last_flush;
  auto submit = [&]() -> bool {
    if (batch.events.empty()) return true;
    const uint64_t my_seq = seq++;
    const size_t count = batch.events.size();
    batch.on_committed = [this, my_seq, cursor = batch_cursor] { commit(my_seq, cursor); };
    const bool ok = out->submit(std::move(batch));
    batch = EventBatch{};
    last_flush = std::chrono::steady_clock::now();
    if (ok) events_.Increment(static_cast<double>(count));
    return ok;
  };

  while (!stopping_) {
    r = sd_journal_next(j.get());
    if (r < 0) {
      read_errors_.Increment();
      log::warn("journal read error", {{"input", input_->name}, {"error", std::strerror(-r)}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (std::chrono::steady_clock::now() - last_save >= std::chrono::seconds(1)) {
      flush_checkpoints();
      last_save = std::chrono::steady_clock::now();
    }
    if (r == 0) {
      if (!submit()) return;
      sd_journal_wait(j.get(), 200000);  // µs; wakes on new entries or rotation
      continue;
    }
    char* cursor = nullptr;
    if (sd_journal_get_cursor(j.get(), &cursor) < 0) continue;
    batch_cursor = cursor;
    std::free(cursor);

    const std::string message = field(j.get(), "MESSAGE");
    Event& event = batch.events.emplace_back(input_, message);
    uint64_t usec = 0;
    const TimePoint now = Clock::now();
    event.set_receive_time(now);
    event.set_event_time(sd_journal_get_realtime_usec(j.get(), &usec) >= 0
                             ? TimePoint(std::chrono::microseconds(usec))
                             : now);
    event.set_position({"journal", seq, seq});
    event.set_body(Event::Body::kText);
    event.set_field("message", message);
    std::string program = field(j.get(), "SYSLOG_IDENTIFIER");
    if (program.empty()) program = field(j.get(), "_COMM");
    if (auto v = field(j.get(), "_HOSTNAME"); !v.empty()) event.set_field("host.hostname", v);
    if (!program.empty()) event.set_field("process.name", program);
    if (auto v = field(j.get(), "_PID"); !v.empty()) {
      event.set_field("process.pid", FieldValue{FieldType::kNumber, v});
    }
    if (auto v = field(j.get(), "_SYSTEMD_UNIT"); !v.empty()) event.set_field("systemd.unit", v);
    if (auto v = field(j.get(), "_TRANSPORT"); !v.empty()) event.set_field("journald.transport", v);
    int n = 0;
    if (small_number(field(j.get(), "PRIORITY"), 7, n)) {
      event.set_field("syslog.priority", FieldValue{FieldType::kNumber, std::to_string(n)});
      event.set_field("syslog.severity", std::string(kSeverities[n]));
    }
    if (small_number(field(j.get(), "SYSLOG_FACILITY"), 23, n)) {
      event.set_field("syslog.facility", std::string(kFacilities[n]));
    }
    if (SshdParser::is_sshd_program(program)) {
      sshd_.parse_message(message, event);
    } else {
      parse_pam_message(message, event);
    }
    if (batch.events.size() >= options_.batch_size ||
        std::chrono::steady_clock::now() - last_flush >= options_.flush_interval) {
      if (!submit()) return;
    }
  }
  submit();
}

void JournaldCollector::start(BatchConsumer& out) {
  thread_ = std::thread([this, &out] { run(&out); });
}

void JournaldCollector::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<Collector> make_journald_collector(const InputConfig& config,
                                                   const CollectorContext& context,
                                                   Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "inputs", diags);
  JournaldCollector::Options o;
  m.get("directory", o.directory);
  m.get("files", o.files);
  m.get("matches", o.matches);
  std::string start_at = "end";
  m.get_enum("start_at", start_at, {"beginning", "end"});
  o.start_at_end = start_at == "end";
  uint64_t batch = o.batch_size;
  if (m.get("batch_size", batch) && (batch == 0 || batch > 100000)) {
    m.error("batch_size", "config.invalid-value", "batch_size must be between 1 and 100000");
  }
  o.batch_size = static_cast<size_t>(batch);
  if (!o.directory.empty() && !o.files.empty()) {
    m.error("files", "config.invalid-value", "give directory or files, not both");
  }
  for (const std::string& match : o.matches) {
    const size_t eq = match.find('=');
    const bool ok = eq != std::string::npos && eq > 0 &&
                    match.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == eq;
    if (!ok) {
      m.error("matches", "config.invalid-value",
              "journal match '" + match + "' must be FIELD=value with an upper-case FIELD");
    }
  }
  m.finish();
  if (diags.error_count() > errors_before) return nullptr;
  o.directory = resolve_config_path(o.directory, context);
  for (std::string& f : o.files) f = resolve_config_path(f, context);
  return std::make_unique<JournaldCollector>(
      make_input_info(config, context, LogSource{"linux", "syslog", ""}), std::move(o),
      context.state_dir);
}

}  // namespace tripline
