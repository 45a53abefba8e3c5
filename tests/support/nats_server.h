#pragma once
#include <memory>
#include <string>

#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tripline::testing {

inline constexpr const char* kNatsServerBinary = "/usr/sbin/nats-server";

// A real nats-server with JetStream (file storage in a temp dir) on 127.0.0.1:<free port>.
class NatsServer {
 public:
  NatsServer() : port_(free_port()) { start(); }
  void start() {
    process_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{kNatsServerBinary, "-js", "-a", "127.0.0.1", "-p",
                                 std::to_string(port_), "-sd", dir_ / "js"},
        dir_ / "nats.log");
  }
  void stop() { process_.reset(); }
  bool wait_ready() {
    return wait_until([&] { return port_open(port_); }, std::chrono::seconds(20));
  }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read_file(dir_ / "nats.log"); }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ServerProcess> process_;
};

}  // namespace tripline::testing
