#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "exporters/delivery/delivery_options.h"
#include "exporters/delivery/transport.h"
#include "exporters/sink.h"
#include "exporters/sink_registry.h"
#include "exporters/spool/spool.h"

namespace tripline {

// A sink made of a durable spool and a delivery thread. deliver() appends to the spool and returns
// true once the alerts are in it (fsynced per the spool's policy) or dropped by its overflow
// policy; false when the spool is full under `overflow: block` or the disk fails, so the pipeline
// holds its checkpoints. The delivery thread takes batches in spool order, hands them to the
// Transport, retries with exponential backoff and jitter behind a circuit breaker, and commits a
// batch only once the transport accepted it (or refused it for good).
class SpooledSink : public Sink {
 public:
  SpooledSink(std::string name, std::unique_ptr<Spool> spool, std::unique_ptr<Transport> transport,
              const DeliveryOptions& options);
  ~SpooledSink() override;

  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert> alerts) override;
  // Waits up to drain_timeout for the spool to empty, then stops the delivery thread; what is
  // left stays spooled for the next start.
  void close() override;

  Spool& spool() { return *spool_; }
  // Blocks until every spooled alert was delivered or `timeout` passes (tests, shutdown).
  bool wait_drained(std::chrono::milliseconds timeout);

 private:
  void run();
  void sleep_for(std::chrono::steady_clock::duration d);

  std::string name_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<Transport> transport_;
  DeliveryOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool closed_ = false;
  std::thread thread_;
};

// Does nothing; what factories return when SinkContext::validate_only is set.
class InertSink : public Sink {
 public:
  explicit InertSink(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert>) override { return false; }

 private:
  std::string name_;
};

// The last step of every factory: on validate_only an InertSink, otherwise opens the spool under
// <state_dir>/spool/<name>/ and starts delivery. nullptr with a diagnostic when the spool cannot
// be opened.
std::unique_ptr<Sink> make_spooled_sink(const OutputConfig& config, const SinkContext& context,
                                        const DeliveryOptions& options,
                                        std::unique_ptr<Transport> transport, Diagnostics& diags);

}  // namespace tripline
