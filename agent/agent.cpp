#include "agent/agent.h"

#include <systemd/sd-daemon.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "agent/components.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/version.h"
#include "rules/rule_loader.h"

namespace tripline {
namespace {

// Rule state (correlation windows) is written every 30 ticks of one second and on stop: a crash
// loses at most that much of the windows, a clean stop nothing.
constexpr unsigned kRuleStateSaveTicks = 30;

void report(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items) {
    if (d.severity == Diagnostic::Severity::kError) {
      log::error(d.message, {{"code", d.code}, {"at", d.to_string()}});
    } else {
      log::warn(d.message, {{"code", d.code}, {"at", d.to_string()}});
    }
  }
}

}  // namespace

Agent::Agent(ConfigSource source)
    : source_(std::move(source)), signals_(io_, SIGINT, SIGTERM, SIGHUP), tick_(io_) {}

Agent::~Agent() { shutdown(); }

bool Agent::load_config() {
  Diagnostics diags;
  config_ = tripline::load_config(source_, diags);
  report(diags);
  if (diags.has_errors()) return false;
  log::Level level;
  if (log::parse_level(config_.agent.log_level, level)) log::set_level(level);
  std::error_code ec;
  std::filesystem::create_directories(config_.agent.state_dir, ec);
  if (ec) {
    log::error("cannot create state_dir",
               {{"state_dir", config_.agent.state_dir}, {"error", ec.message()}});
    return false;
  }
  return true;
}

bool Agent::load_rules() {
  if (!rule_state_) rule_state_ = std::make_unique<state::StateRegistry>(config_.agent.state_dir);
  RuleLoadResult result = tripline::load_rules(config_.rules, source_.directory(),
                                               config_.agent.state_dir, rule_state_.get());
  report(result.diagnostics);
  if (!result.matcher) return false;
  matcher_ = std::move(result.matcher);
  rule_state_->retain(result.state_keys);
  log::info("rules loaded", {{"count", std::to_string(result.rule_count)}});
  return true;
}

bool Agent::open_sinks() {
  Diagnostics diags;
  // Privacy first: no sink may open (and replay its spool) under a policy that failed to load.
  auto redactor = build_redactor(config_, source_.directory(), diags);
  if (diags.has_errors()) {
    report(diags);
    return false;
  }
  auto sinks = build_sinks(config_, source_.directory(), diags);
  report(diags);
  if (diags.has_errors()) return false;
  dispatcher_ = std::make_unique<AlertDispatcher>(std::move(sinks), std::move(redactor));
  return true;
}

void Agent::start_pipeline() {
  pipeline_ = std::make_unique<Pipeline>(config_.agent.threads, config_.agent.queue_batches,
                                         matcher_, *dispatcher_);
  pipeline_->start();
}

bool Agent::start_collectors() {
  Diagnostics diags;
  collectors_ = build_collectors(config_, source_.directory(), diags);
  report(diags);
  if (diags.has_errors()) return false;
  for (auto& c : collectors_) c->start(*pipeline_);
  return true;
}

bool Agent::start_metrics() {
  if (!config_.metrics.enabled) return true;
  Diagnostics diags;
  metrics_server_ = std::make_unique<MetricsServer>(io_, config_.metrics,
                                                    Metrics::global().registry(), diags);
  report(diags);
  std::string error;
  if (!metrics_server_->valid() || !metrics_server_->start(error)) {
    log::error("cannot serve metrics", {{"listen", config_.metrics.listen}, {"error", error}});
    return false;
  }
  log::info("serving metrics", {{"listen", config_.metrics.listen},
                                {"port", std::to_string(metrics_server_->port())},
                                {"path", config_.metrics.path}});
  return true;
}

void Agent::notify_ready() {
  sd_notify(0, "READY=1");
  log::info("tripline started", {{"version", kVersion},
                                 {"config", source_.path.empty() ? "<embedded>" : source_.path},
                                 {"inputs", std::to_string(collectors_.size())}});
}

void Agent::arm_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      reload();
      arm_signals();
      return;
    }
    log::info("stopping", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
    stop();
  });
}

void Agent::save_rule_state() {
  if (!rule_state_) return;
  rule_state_->publish_metrics();
  std::string error;
  if (!rule_state_->save_all(error)) {
    log::warn("rule state not saved; will retry", {{"error", error}});
  }
}

void Agent::arm_tick() {
  tick_.expires_after(std::chrono::seconds(1));
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    pipeline_->advance(Clock::now());
    if (++ticks_since_save_ >= kRuleStateSaveTicks) {
      ticks_since_save_ = 0;
      save_rule_state();
    }
    // Proves to systemd (WatchdogSec) that the event loop is alive; a no-op outside systemd.
    sd_notify(0, "WATCHDOG=1");
    arm_tick();
  });
}

// Rules reload all-or-nothing: a rule set with any error leaves the running one in place. Inputs
// and outputs are fixed for the life of the process.
void Agent::reload() {
  sd_notify(0, "RELOADING=1");
  Diagnostics diags;
  Config fresh = tripline::load_config(source_, diags);
  report(diags);
  RuleLoadResult rules;
  if (!diags.has_errors()) {
    rules = tripline::load_rules(fresh.rules, source_.directory(), config_.agent.state_dir,
                                 rule_state_.get());
    report(rules.diagnostics);
  }
  if (diags.has_errors() || !rules.matcher) {
    Metrics::global().config_reloads("failure").Increment();
    log::error("reload failed; keeping the running configuration");
  } else {
    matcher_ = rules.matcher;
    pipeline_->set_matcher(rules.matcher);
    // Unchanged rules kept their state objects; changed and removed ones lose theirs now.
    rule_state_->retain(rules.state_keys);
    Metrics::global().config_reloads("success").Increment();
    log::info("reloaded", {{"rules", std::to_string(rules.rule_count)}});
  }
  sd_notify(0, "READY=1");
}

int Agent::run() {
  // A file-size limit (LimitFSIZE=) must fail the write with EFBIG, handled and reported like a
  // full disk, instead of killing the daemon with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  if (!load_config() || !load_rules() || !open_sinks()) return 1;
  start_pipeline();
  if (!start_collectors() || !start_metrics()) {
    shutdown();
    return 1;
  }
  arm_signals();
  arm_tick();
  notify_ready();
  io_.run();
  shutdown();
  return 0;
}

void Agent::stop() {
  sd_notify(0, "STOPPING=1");
  io_.stop();
}

// Collectors stop first so nothing new arrives; the pipeline then evaluates and delivers what is
// queued, and only then are checkpoints written. One deadline (shutdown_timeout) bounds it all:
// when it passes, the intake closes (a collector blocked on the full queue returns; what it held
// is read again after restart) and refused deliveries are given up on, so SIGTERM cannot hang
// behind a sink that refuses (a full spool disk, a spool full under overflow: block).
void Agent::shutdown() {
  if (!pipeline_) return;
  if (metrics_server_) metrics_server_->stop();
  std::mutex mutex;
  std::condition_variable cv;
  bool drained = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (cv.wait_for(lock, config_.agent.shutdown_timeout, [&] { return drained; })) return;
    log::warn("shutdown timeout: undelivered batches will be read again after restart");
    pipeline_->stop_intake();
    pipeline_->abandon_delivery();
  });
  for (auto& c : collectors_) c->stop();
  pipeline_->drain();
  {
    std::lock_guard lock(mutex);
    drained = true;
  }
  cv.notify_all();
  watchdog.join();
  for (auto& c : collectors_) c->flush_checkpoints();
  save_rule_state();
  dispatcher_->close_sinks();
  collectors_.clear();
  pipeline_.reset();
  log::info("stopped");
}

}  // namespace tripline
