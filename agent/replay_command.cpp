#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "agent/commands.h"
#include "agent/progress_bar.h"
#include "agent/replay_options.h"
#include "collectors/parsers/parser_factory.h"
#include "collectors/record_reader.h"
#include "exporters/fd_writer.h"
#include "rules/rule_loader.h"

namespace tripline {
namespace {

struct ReplayStats {
  uint64_t events = 0;
  uint64_t bytes = 0;
  uint64_t alerts = 0;
  uint64_t parse_errors = 0;
  uint64_t truncated = 0;
  uint64_t failed_files = 0;
};

std::string host_name() {
  char buf[256] = {};
  return gethostname(buf, sizeof buf - 1) == 0 ? buf : "localhost";
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Alert lines collect here and go out in large writes: a write per alert cost more than
// rendering it. Flushed past kFlushBytes, before progress and error output, and at the end.
struct AlertOutput {
  static constexpr size_t kFlushBytes = 256 * 1024;
  std::string buffer;

  void flush() {
    if (buffer.empty()) return;
    write_all(STDOUT_FILENO, buffer);
    buffer.clear();
  }
};

void print_alerts(std::vector<Alert>& alerts, AlertOutput& output, ReplayStats& stats) {
  if (alerts.empty()) return;
  for (const Alert& a : alerts) {
    a.append_json(output.buffer);
    output.buffer.push_back('\n');
  }
  stats.alerts += alerts.size();
  alerts.clear();
  if (output.buffer.size() >= AlertOutput::kFlushBytes) output.flush();
}

// Evaluates every record of one file. Windowed rules advance on event time, so an archive gives
// the same alerts as live tailing did.
bool replay_file(const std::string& path, const ReplayOptions& options, Matcher& matcher,
                 ProgressBar& progress, AlertOutput& output, ReplayStats& stats) {
  std::string error;
  auto reader = RecordReader::open(path, error);
  if (!reader) {
    std::cerr << path << ": " << error << "\n";
    return false;
  }
  const std::string_view head = reader->head();
  SniffResult sniffed = options.format == "auto" ? sniff_format(head)
                                                 : framing_for_format(options.format, head);
  reader->set_framing(sniffed.framing, sniffed.array_key);
  auto parser = make_parser(sniffed.format);
  if (!parser) {
    std::cerr << path << ": no parser for format '" << sniffed.format << "'\n";
    return false;
  }
  auto input = std::make_shared<InputInfo>();
  input->name = "replay";
  input->host = host_name();
  input->logsource = options.logsource ? *options.logsource : sniffed.logsource;

  const uint64_t total = file_size(path);
  const TimePoint received = Clock::now();
  std::vector<Alert> alerts;
  RecordReader::Record record;
  uint64_t since_advance = 0;
  // One Event for every record: reset() keeps its buffers, so a line allocates nothing its
  // predecessor did not already hold (rules keep no reference to an event past evaluate()).
  Event event;
  while (reader->next(record)) {
    event.reset(input, record.bytes);
    event.set_receive_time(received);
    event.set_event_time(received);
    event.set_position(path, record.offset, record.offset + record.bytes.size());
    if (!parser->parse(event)) ++stats.parse_errors;
    // An input-level override wins over what the parser derived (e.g. linux/sshd).
    if (options.logsource) event.set_logsource(*options.logsource);
    if (record.truncated) ++stats.truncated;
    ++stats.events;
    matcher.evaluate(event, alerts);
    if (++since_advance == 4096) {
      matcher.advance(event.event_time(), alerts);
      since_advance = 0;
      print_alerts(alerts, output, stats);
      output.flush();
      progress.update(path, reader->compressed_bytes_read(), total, stats.events);
    }
    print_alerts(alerts, output, stats);
  }
  output.flush();
  stats.bytes += reader->bytes_read();
  if (!reader->error().empty()) {
    progress.clear();
    std::cerr << path << ": " << reader->error() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int replay_command(const std::vector<std::string>& args) {
  ReplayOptions options;
  std::string error;
  if (!parse_replay_options(args, options, error)) {
    std::cerr << "tripline replay: " << error << "\n"
              << "usage: tripline replay --rules PATH... [--format auto|jsonl|cloudtrail|syslog|"
                 "k8s-audit] [--logsource PRODUCT[/SERVICE]] [--config FILE] FILE...\n";
    return kExitUsage;
  }
  RulesConfig rules;
  std::string base_dir = ".";
  if (!options.config_path.empty()) {
    Diagnostics diags;
    Config config = load_config_file(options.config_path, diags);
    for (const Diagnostic& d : diags.items) std::cerr << d.to_string() << "\n";
    if (diags.has_errors()) return kExitFailure;
    rules = config.rules;
    if (options.rule_paths.empty()) {
      base_dir = std::filesystem::path(options.config_path).parent_path().string();
    }
  }
  if (!options.rule_paths.empty()) rules.paths = options.rule_paths;
  RuleLoadResult loaded = load_rules(rules, base_dir);
  for (const Diagnostic& d : loaded.diagnostics.items) std::cerr << d.to_string() << "\n";
  if (!loaded.matcher) return kExitFailure;

  ProgressBar progress(options.progress);
  ReplayStats stats;
  AlertOutput output;
  output.buffer.reserve(AlertOutput::kFlushBytes + 64 * 1024);
  const auto started = std::chrono::steady_clock::now();
  for (const std::string& file : options.files) {
    if (!replay_file(file, options, *loaded.matcher, progress, output, stats)) {
      ++stats.failed_files;
    }
  }
  std::vector<Alert> alerts;
  loaded.matcher->finish(alerts);
  print_alerts(alerts, output, stats);
  output.flush();
  progress.clear();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[256];
  std::snprintf(line, sizeof line,
                "replay: %llu events, %llu bytes, %llu alerts, %llu parse errors, %llu truncated "
                "lines, %.3f s, %.0f events/s\n",
                static_cast<unsigned long long>(stats.events),
                static_cast<unsigned long long>(stats.bytes),
                static_cast<unsigned long long>(stats.alerts),
                static_cast<unsigned long long>(stats.parse_errors),
                static_cast<unsigned long long>(stats.truncated), seconds,
                seconds > 0 ? static_cast<double>(stats.events) / seconds : 0.0);
  std::cerr << line;
  return stats.failed_files ? kExitFailure : kExitOk;
}

}  // namespace tripline
