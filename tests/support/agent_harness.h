#pragma once
// One real `tripline run` in a directory of its own, for whole-agent tests: the test writes the
// config, starts, kills and restarts the agent, and reads its /metrics through the port the agent
// logs (configure `metrics: { listen: "127.0.0.1:0" }`). Header-only.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include "tests/support/agent_process.h"
#include "tests/support/http_get.h"

namespace tripline::testing {

// The value of one series in Prometheus text format, e.g.
// `tripline_events_total{input="app"}` (labels as the agent renders them: sorted by name).
// NaN when the series is absent.
inline double metric_value(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::strtod(text.c_str() + at + series.size() + 1, nullptr);
    }
    at += series.size();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

inline size_t count_occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class AgentHarness {
 public:
  explicit AgentHarness(const std::string& name) : dir_(make_temp_dir(name)) {
    EXPECT_FALSE(dir_.empty());
  }
  ~AgentHarness() {
    agent_.reset();
    if (!::testing::Test::HasFailure()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  AgentHarness(const AgentHarness&) = delete;
  AgentHarness& operator=(const AgentHarness&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& rel) const { return dir_ + "/" + rel; }
  std::string config_path() const { return path("tripline.yaml"); }
  void write_config(const std::string& yaml) { write_file(config_path(), yaml); }
  std::string log() const { return read_file(path("agent.log")); }

  // Starts `tripline run` and waits until it logged "tripline started" (false when it exited or
  // did not get there in time).
  bool start(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const size_t started_before = count_occurrences(log(), "\"tripline started\"");
    if (!spawn()) return false;
    return eventually(
        [&] {
          return count_occurrences(log(), "\"tripline started\"") > started_before ||
                 !agent_->running();
        },
        timeout) &&
           agent_->running();
  }
  // Starts `tripline run` without waiting for it to be ready.
  bool spawn() {
    agent_ = std::make_unique<AgentProcess>(
        std::vector<std::string>{"run", "-c", config_path()}, path("stdout.log"),
        path("agent.log"));
    return agent_->started();
  }
  // Sends `sig` and waits for the exit; the exit code (128+signal when killed), -1 on timeout.
  int stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    if (!agent_) return -1;
    agent_->signal(sig);
    const int code = agent_->wait(timeout);
    agent_.reset();
    return code;
  }
  bool running() { return agent_ && agent_->running(); }
  AgentProcess* process() { return agent_.get(); }

  // The metrics port of the running agent, from its last "serving metrics" log line.
  uint16_t metrics_port() const {
    const std::string text = log();
    const size_t at = text.rfind("\"msg\":\"serving metrics\"");
    if (at == std::string::npos) return 0;
    const size_t port = text.find("\"port\":\"", at);
    if (port == std::string::npos) return 0;
    return static_cast<uint16_t>(std::atoi(text.c_str() + port + 8));
  }
  std::string scrape() const {
    const uint16_t port = metrics_port();
    return port == 0 ? std::string() : http_get(port, "/metrics").body;
  }
  // NaN when the agent does not serve it (yet).
  double metric(const std::string& series) const { return metric_value(scrape(), series); }

 private:
  std::string dir_;
  std::unique_ptr<AgentProcess> agent_;
};

// A config for an agent in `dir` that tails dir/log/app.log* (input `app`, jsonl, from the
// beginning) through the rules in dir/rules into `outputs_yaml` (a YAML block sequence), with
// metrics on a free loopback port. `input_extra` is appended inside the input's flow mapping
// (", key: value, ..."), `agent_extra` inside `agent:` and `metrics_extra` inside `metrics:`
// likewise.
inline std::string tail_agent_config(const std::string& dir, const std::string& outputs_yaml,
                                     const std::string& input_extra = "",
                                     const std::string& agent_extra = "",
                                     const std::string& metrics_extra = "") {
  return "agent: { state_dir: " + dir + "/state, threads: 2" + agent_extra + " }\n" +
         "inputs:\n  - { name: app, type: file, paths: [\"" + dir +
         "/log/app.log*\"], format: jsonl, start_at: beginning, " +
         "logsource: { product: faulttest }" + input_extra + " }\n" +
         "rules: { paths: [" + dir + "/rules] }\n" + "outputs:\n" + outputs_yaml +
         "metrics: { listen: \"127.0.0.1:0\"" + metrics_extra + " }\n";
}

// The file output most fault tests deliver to: dir/alerts.jsonl, fsynced per `fsync`.
inline std::string alert_file_output(const std::string& dir, const std::string& fsync = "always") {
  return "  - { name: out, type: file, path: " + dir + "/alerts.jsonl, fsync: " + fsync + " }\n";
}

}  // namespace tripline::testing
