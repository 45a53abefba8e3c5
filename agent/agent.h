#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/alert_dispatcher.h"
#include "agent/config_source.h"
#include "agent/pipeline.h"
#include "collectors/collector.h"
#include "config/config.h"
#include "core/asio.h"
#include "exporters/prometheus/metrics_server.h"
#include "rules/state/state_registry.h"

namespace tripline {

// The daemon: start-up as a list of small steps (load_config → load_rules → open_sinks →
// start_pipeline → start_collectors → notify_ready), then the event loop that owns signals
// (SIGHUP reload, SIGTERM/SIGINT drain) and timers.
class Agent {
 public:
  explicit Agent(ConfigSource source);
  ~Agent();

  // Runs until SIGTERM/SIGINT or stop(); returns the process exit code.
  int run();
  void stop();

 private:
  bool load_config();
  bool load_rules();
  bool open_sinks();
  void start_pipeline();
  bool start_collectors();
  bool start_metrics();
  void notify_ready();
  void reload();
  void shutdown();
  void arm_signals();
  void arm_tick();
  void save_rule_state();

  ConfigSource source_;
  Config config_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_;
  // Correlation windows and other rule state: lives as long as the agent, so a reload keeps
  // the state of unchanged rules; persisted in state_dir periodically and on stop.
  std::unique_ptr<state::StateRegistry> rule_state_;
  unsigned ticks_since_save_ = 0;
  std::shared_ptr<Matcher> matcher_;
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  std::unique_ptr<MetricsServer> metrics_server_;
};

}  // namespace tripline
