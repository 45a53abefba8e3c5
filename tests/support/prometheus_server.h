#pragma once
#include <memory>
#include <string>

#include "tests/support/http_get.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace tripline::testing {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";

// A real Prometheus on 127.0.0.1:<free port> scraping one target every second. `scrape_extra`
// is appended to the scrape job (YAML at 4-space indent), e.g. basic_auth.
class PrometheusServer {
 public:
  PrometheusServer(const std::string& target, const std::string& scrape_extra = "")
      : port_(free_port()) {
    write_file(dir_ / "prometheus.yml",
               "global: { scrape_interval: 1s, evaluation_interval: 1s }\n"
               "scrape_configs:\n"
               "  - job_name: tripline\n"
               "    static_configs: [ { targets: [\"" + target + "\"] } ]\n" + scrape_extra);
    process_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{kPrometheusBinary, "--config.file=" + (dir_ / "prometheus.yml"),
                                 "--storage.tsdb.path=" + (dir_ / "data"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--log.level=warn"},
        dir_ / "prometheus.log");
  }
  bool wait_ready() {
    return wait_until([&] { return http_get(port_, "/-/ready").status == 200; },
                      std::chrono::seconds(60));
  }
  // GET /api/v1/query?query=<promql> (the query must be URL-safe).
  std::string query(const std::string& promql) {
    return http_get(port_, "/api/v1/query?query=" + promql).body;
  }
  std::string log() const { return read_file(dir_ / "prometheus.log"); }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ServerProcess> process_;
};

}  // namespace tripline::testing
