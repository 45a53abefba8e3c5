#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "collectors/cloud/object_emitter.h"
#include "collectors/collector_registry.h"

namespace tripline {

// `type: k8s_audit`. An HTTPS endpoint for the Kubernetes API server's audit webhook backend
// (--audit-webhook-config-file): it accepts POSTed audit.k8s.io/v1 EventList batches and emits
// each audit event (logsource kubernetes/audit). Keys (docs/inputs.md):
//   listen: "0.0.0.0:9443"          address:port (port 0 picks a free port)
//   path: /k8s-audit                 the only path served
//   tls: { cert_file, key_file, client_ca_file }   client_ca_file turns on mTLS (required cert)
//   bearer_token / bearer_token_file                the token the API server's kubeconfig sends
//   max_body_size: 16MiB             larger requests get 413
//   request_timeout: 30s             bound on reading one request
//   allow_plaintext: false           serve HTTP without TLS (only behind a local TLS proxy)
// At least one of bearer_token and tls.client_ca_file is required.
// A batch is answered 200 only once its events are committed (durable with every sink), so a
// crash makes the API server resend rather than lose. Items that are not audit events are
// dropped and counted, the valid ones of the batch are still emitted, and the answer is 400 with
// the counts. Bad token: 401; wrong path: 404; wrong method: 405; body over the limit: 413;
// agent shutting down: 503.
struct K8sAuditOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 9443;
  std::string path = "/k8s-audit";
  std::string cert_file, key_file, client_ca_file;
  std::string bearer_token;
  uint64_t max_body = 16ull << 20;
  std::chrono::milliseconds request_timeout{30000};
  bool plaintext = false;
};

class K8sAuditCollector : public Collector {
 public:
  K8sAuditCollector(std::shared_ptr<const InputInfo> input, K8sAuditOptions options);
  ~K8sAuditCollector() override;

  const std::string& name() const override;
  // Binds and serves on a thread of its own; a bind failure is logged and retried every 5s.
  void start(BatchConsumer& out) override;
  void stop() override;
  // Nothing to persist: the API server holds what was not acknowledged.
  void flush_checkpoints() override {}

  // The bound port (0 until listening); lets tests listen on port 0.
  uint16_t port() const { return bound_port_.load(); }

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::atomic<uint16_t> bound_port_{0};
  std::thread thread_;
};

std::unique_ptr<Collector> make_k8s_audit_collector(const InputConfig& config,
                                                    const CollectorContext& context,
                                                    Diagnostics& diags);

}  // namespace tripline
