#pragma once
#include <memory>
#include <string>

#include "tests/support/http_get.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tripline::testing {

inline constexpr const char* kAlertmanagerBinary = "/usr/bin/prometheus-alertmanager";

// A real Alertmanager on 127.0.0.1:<free port>, clustering off, a receiver that goes nowhere.
class AlertmanagerServer {
 public:
  AlertmanagerServer() : port_(free_port()) {
    write_file(dir_ / "am.yml",
               "route: { receiver: devnull, group_wait: 1s }\n"
               "receivers: [ { name: devnull } ]\n");
    start();
  }
  void start() {
    process_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{kAlertmanagerBinary, "--config.file=" + (dir_ / "am.yml"),
                                 "--storage.path=" + (dir_ / "data"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--cluster.listen-address=", "--log.level=warn"},
        dir_ / "am.log");
  }
  void stop() { process_.reset(); }
  bool wait_ready() {
    return wait_until([&] { return http_get(port_, "/-/ready").status == 200; },
                      std::chrono::seconds(30));
  }
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read_file(dir_ / "am.log"); }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ServerProcess> process_;
};

}  // namespace tripline::testing
