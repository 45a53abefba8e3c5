#include "collectors/file_tail.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <algorithm>

#include "collectors/parsers/parser_factory.h"
#include "core/digest.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

constexpr size_t kReadChunk = 256 * 1024;
// Bytes read from one file before the others get a turn.
constexpr uint64_t kReadBudget = 8 * 1024 * 1024;

// Names one generation of a file for event identities: its device and inode (stable across
// renames, distinct between files) and a hash of its first line (which never changes within a
// generation: a truncated file that is written again starts with another one). By the time a
// line is emitted the first line is complete and in `prefix` (or the prefix is full).
std::string generation_id(const TailedFile& file) {
  const size_t nl = file.prefix.find('\n');
  const std::string_view first =
      std::string_view(file.prefix).substr(0, nl == std::string::npos ? file.prefix.size() : nl + 1);
  return std::to_string(file.dev) + ":" + std::to_string(file.ino) + ":" + sha256_hex(first, 16);
}

}  // namespace

FileTailCollector::FileTailCollector(std::shared_ptr<const InputInfo> input, TailOptions options,
                                     std::unique_ptr<Parser> parser, std::string state_dir)
    : input_(std::move(input)),
      options_(std::move(options)),
      parser_(std::move(parser)),
      state_dir_(std::move(state_dir)),
      events_metric_(Metrics::global().events(input_->name)),
      parse_errors_metric_(Metrics::global().parse_errors(input_->name)),
      truncated_metric_(Metrics::global().lines_truncated(input_->name)),
      lag_metric_(Metrics::global().input_lag_bytes(input_->name)) {}

FileTailCollector::~FileTailCollector() { stop(); }

std::string FileTailCollector::checkpoint_file() const {
  return CheckpointStore(state_dir_, input_->name).file();
}

void FileTailCollector::start(BatchConsumer& out) {
  if (out_ != nullptr) return;
  out_ = &out;
  // Exported at 0 from the start, so that increase() over it alerts on the first failure.
  Metrics::global().checkpoint_errors(input_->name);
  CheckpointStore store(state_dir_, input_->name);
  std::vector<FileCheckpoint> restored;
  const CheckpointStore::LoadResult loaded = store.load(restored);
  table_ = std::make_shared<ProgressTable>(std::move(store), options_.checkpoint_interval);

  FileSetOptions fs;
  fs.start_at_end = options_.start_at_end;
  fs.max_line_bytes = options_.max_line_bytes;
  fs.close_inactive = options_.close_inactive;
  fs.rescan_interval = options_.rescan_interval;
  fs.ghost_ttl = std::max(options_.close_inactive, 10 * options_.rescan_interval);
  files_ = std::make_unique<FileSet>(input_->name, GlobScanner(options_.paths, options_.exclude),
                                     fs, table_);
  files_->initial_scan(restored, loaded == CheckpointStore::LoadResult::kCorrupt,
                       SteadyClock::now());
  // Positions chosen now (start_at: end in particular) must survive a crash before the first
  // acknowledgement, or a restart would skip what was written in between.
  table_->save();

  watcher_ = std::make_unique<FileWatcher>(input_->name, options_.inotify);
  watcher_->set_directories(files_->watch_dirs());
  builder_ = std::make_unique<BatchBuilder>(table_);
  buffer_.resize(kReadChunk);
  log::info("tailing files",
            {{"input", input_->name},
             {"files", std::to_string(files_->files().size())},
             {"checkpoint", table_->checkpoint_file()},
             {"watch", watcher_->inotify_active() ? "inotify" : "poll"}});

  reader_ = std::thread([this] { run(); });
  checkpoint_thread_ = std::thread([table = table_] { table->run_writer(); });
}

void FileTailCollector::stop() {
  stopping_ = true;
  if (watcher_) watcher_->wake();
  if (reader_.joinable()) reader_.join();
  if (table_) table_->stop_writer();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void FileTailCollector::flush_checkpoints() {
  if (table_) table_->save();
}

std::chrono::milliseconds FileTailCollector::wait_timeout(
    SteadyClock::time_point next_rescan) const {
  if (!watcher_->inotify_active() || files_->needs_polling()) return options_.poll_interval;
  // inotify reports changes in watched directories; the rescan is the safety net.
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_rescan - SteadyClock::now());
  return std::clamp(left, std::chrono::milliseconds(1), options_.rescan_interval);
}

void FileTailCollector::run() {
  auto next_rescan = SteadyClock::now() + options_.rescan_interval;
  bool rescan_now = false;
  std::vector<FileWatcher::Change> changes;
  while (!stopping_ && !halted_) {
    auto now = SteadyClock::now();
    if (rescan_now || now >= next_rescan) {
      files_->rescan(now);
      watcher_->set_directories(files_->watch_dirs());
      next_rescan = now + options_.rescan_interval;
      rescan_now = false;
    } else if (files_->pending_count() > 0) {
      files_->check_pending(now);
    }

    bool more = false;
    for (size_t i = 0; i < files_->files().size() && !stopping_ && !halted_; ++i) {
      TailedFile& file = *files_->files()[i];
      if (file.fd.valid()) more |= read_file(file);
    }
    if (stopping_ || halted_) break;
    files_->close_inactive(SteadyClock::now(), [this](TailedFile& file) {
      // The file left the globs and went quiet: its last line will never get a newline.
      file.framer.flush([&](const LineFramer::Line& line) { emit(file, line, Clock::now()); });
    });
    if (!flush_batch()) break;
    lag_metric_.Set(static_cast<double>(files_->lag_bytes()));
    if (more) continue;

    changes.clear();
    watcher_->wait(wait_timeout(next_rescan), changes);
    for (const FileWatcher::Change& c : changes) {
      if (c.path.empty()) {
        rescan_now = true;
      } else if (files_->scanner().matches(c.path) &&
                 (c.structural || !files_->is_open_path(c.path))) {
        rescan_now = true;  // a new, moved, deleted or inactive file
      }
    }
  }
}

bool FileTailCollector::read_file(TailedFile& file) {
  if (!files_->refresh(file, SteadyClock::now())) return false;
  uint64_t budget = kReadBudget;
  while (file.framer.next_offset() < file.size && budget > 0 && !stopping_ && !halted_) {
    const uint64_t offset = file.framer.next_offset();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), file.size - offset));
    const ssize_t n = pread_full(file.fd.get(), buffer_.data(), want, offset);
    if (n <= 0) break;  // shrank under us: the next refresh sees the truncation
    const TimePoint now = Clock::now();
    file.framer.feed(std::string_view(buffer_.data(), static_cast<size_t>(n)),
                     [&](const LineFramer::Line& line) { emit(file, line, now); });
    budget -= std::min<uint64_t>(budget, static_cast<uint64_t>(n));
  }
  return file.framer.next_offset() < file.size;
}

void FileTailCollector::emit(TailedFile& file, const LineFramer::Line& line, TimePoint now) {
  if (halted_) return;
  // Empty lines carry nothing; their bytes ride along in the next event's range.
  if (line.text.empty() && !line.truncated) return;
  Event event(input_, line.text);
  if (file.generation.empty()) file.generation = generation_id(file);
  event.set_position({file.origin, line.begin, line.end, file.generation});
  event.set_receive_time(now);
  event.set_event_time(now);
  if (!parser_->parse(event)) {
    parse_errors_metric_.Increment();
    ++parse_errors_since_log_;
    const auto steady = std::chrono::steady_clock::now();
    if (parse_error_logged_at_ == std::chrono::steady_clock::time_point{} ||
        steady - parse_error_logged_at_ >= std::chrono::minutes(1)) {
      log::warn("line not parsed; counted in tripline_parse_errors_total",
                {{"input", input_->name},
                 {"file", file.origin},
                 {"offset", std::to_string(line.begin)},
                 {"errors_since_last_log", std::to_string(parse_errors_since_log_)}});
      parse_error_logged_at_ = steady;
      parse_errors_since_log_ = 0;
    }
  }
  if (line.truncated) truncated_metric_.Increment();
  builder_->add(std::move(event), file.progress, file.batched_until, line.end);
  file.batched_until = line.end;
  if (builder_->size() >= options_.batch_size) flush_batch();
}

bool FileTailCollector::flush_batch() {
  if (halted_) return false;
  if (builder_->empty()) return true;
  if (builder_->needs_persist()) table_->save();
  events_metric_.Increment(static_cast<double>(builder_->size()));
  if (!out_->submit(builder_->take())) {
    halted_ = true;
    log::info("pipeline is shutting down; tail stops reading", {{"input", input_->name}});
    return false;
  }
  return true;
}

std::unique_ptr<Collector> make_file_tail_collector(const InputConfig& input,
                                                    const CollectorContext& context,
                                                    Diagnostics& diags) {
  TailOptions options;
  if (!read_tail_options(input, context, diags, options)) return nullptr;
  std::unique_ptr<Parser> parser = make_parser(options.format, options.time_fields);
  if (!parser) {
    diags.error("config.value", input.mark.file, input.mark.line, input.mark.column,
                "inputs." + input.name + ": no parser for format '" + options.format + "'");
    return nullptr;
  }
  auto info = std::make_shared<InputInfo>();
  info->name = input.name;
  info->host = context.host;
  info->logsource = input.logsource.empty() ? default_logsource(options.format) : input.logsource;
  info->static_fields = input.fields;
  return std::make_unique<FileTailCollector>(std::move(info), std::move(options),
                                             std::move(parser), context.state_dir);
}

}  // namespace tripline
