#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "core/diagnostic.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio
namespace prometheus {
class Registry;
}  // namespace prometheus

namespace tripline {

// The agent's /metrics endpoint (Beast over the agent's io_context): serves `metrics.path`
// (prometheus-cpp text format of `registry`), a landing page at `/` and `/healthz`; optional TLS
// (1.2 minimum) and basic auth with bcrypt hashes, configured as in web_config.h.
//
// Threading: every handler runs on the io_context's thread(s). start() and stop() are called
// from the thread that runs the io_context or while it is not running.
class MetricsServer {
 public:
  // Reads and validates the config (TLS files, password hashes); errors go to `diags` and leave
  // the server unusable (valid() false). Binds nothing yet.
  MetricsServer(boost::asio::io_context& io, const MetricsConfig& config,
                std::shared_ptr<prometheus::Registry> registry, Diagnostics& diags);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  bool valid() const;
  // Binds `metrics.listen` ("host:port", "[v6]:port", ":port" for every address; port 0 picks a
  // free one) and starts accepting. False with `error` set when the address cannot be bound.
  bool start(std::string& error);
  // Stops accepting and closes open connections.
  void stop();
  // The bound port (after start()).
  uint16_t port() const;
  // /healthz answers 200 while this returns true, 503 otherwise (default: always healthy).
  void set_health_check(std::function<bool()> check);

  // Config check for `tripline check`: the same validation the constructor does.
  static bool validate(const MetricsConfig& config, Diagnostics& diags);

  struct Impl;  // opaque: keeps Beast out of this header

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace tripline
