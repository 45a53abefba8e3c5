#pragma once
#include <memory>
#include <string>

#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tripline::testing {

inline constexpr const char* kRsyslogBinary = "/usr/sbin/rsyslogd";

// A real rsyslogd in the foreground: imtcp on 127.0.0.1:<free port> with TLS (gtls driver,
// anonymous client auth) and octet-counted framing, writing every message to out.log as
// "pri|hostname|app-name|msgid|structured-data|msg" lines.
class RsyslogServer {
 public:
  RsyslogServer(const std::string& ca, const std::string& cert, const std::string& key)
      : port_(free_port()) {
    write_file(dir_ / "rsyslog.conf",
               "global(workDirectory=\"" + dir_.path() + "\" maxMessageSize=\"256k\"\n"
               "  DefaultNetstreamDriver=\"gtls\" DefaultNetstreamDriverCAFile=\"" + ca + "\"\n"
               "  DefaultNetstreamDriverCertFile=\"" + cert + "\"\n"
               "  DefaultNetstreamDriverKeyFile=\"" + key + "\")\n"
               "module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\"\n"
               "       StreamDriver.AuthMode=\"anon\")\n"
               "input(type=\"imtcp\" port=\"" + std::to_string(port_) +
               "\" address=\"127.0.0.1\")\n"
               "template(name=\"fields\" type=\"string\" string=\"%pri%|%hostname%|%app-name%|"
               "%msgid%|%structured-data%|%msg%\\n\")\n"
               "*.* action(type=\"omfile\" file=\"" + (dir_ / "out.log") +
               "\" template=\"fields\")\n");
    start();
  }
  void start() {
    process_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{kRsyslogBinary, "-n", "-f", dir_ / "rsyslog.conf", "-i",
                                 dir_ / "rsyslogd.pid"},
        dir_ / "rsyslogd.log");
  }
  void stop() { process_.reset(); }
  bool wait_ready() {
    return wait_until([&] { return port_open(port_); }, std::chrono::seconds(20));
  }
  uint16_t port() const { return port_; }
  std::string output() const { return read_file(dir_ / "out.log"); }
  std::string log() const { return read_file(dir_ / "rsyslogd.log"); }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ServerProcess> process_;
};

}  // namespace tripline::testing
