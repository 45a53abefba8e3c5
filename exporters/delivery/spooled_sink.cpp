#include "exporters/delivery/spooled_sink.h"

#include <filesystem>

#include "core/log.h"
#include "core/metrics.h"
#include "exporters/exporter_metrics.h"
#include "exporters/spool/alert_codec.h"

namespace tripline {

SpooledSink::SpooledSink(std::string name, std::unique_ptr<Spool> spool,
                         std::unique_ptr<Transport> transport, const DeliveryOptions& options)
    : name_(std::move(name)),
      spool_(std::move(spool)),
      transport_(std::move(transport)),
      options_(options) {
  thread_ = std::thread([this] { run(); });
}

SpooledSink::~SpooledSink() { close(); }

bool SpooledSink::deliver(std::span<const Alert> alerts) {
  if (alerts.empty()) return true;
  std::vector<std::string> records;
  records.reserve(alerts.size());
  for (const Alert& a : alerts) records.push_back(encode_alert(a));
  const SpoolAppendResult r = spool_->append(records);
  return r.status == SpoolAppendResult::Status::kStored;
}

bool SpooledSink::wait_drained(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (spool_->pending_records() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void SpooledSink::close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  if (!wait_drained(options_.drain_timeout)) {
    log::warn("sink closed with alerts still spooled; they are sent at next start",
              {{"sink", name_}, {"pending", std::to_string(spool_->pending_records())}});
  }
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  spool_->wake();
  if (thread_.joinable()) thread_.join();
  transport_->close();
  spool_->sync();
}

void SpooledSink::sleep_for(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop_; });
}

void SpooledSink::run() {
  using Clock = std::chrono::steady_clock;
  auto& sent = Metrics::global().sink_sent(name_);
  auto& failures = Metrics::global().sink_failures(name_);
  auto& rejected = ExporterMetrics::sink_rejected(name_);
  auto& retries = ExporterMetrics::sink_retries(name_);
  auto& circuit = ExporterMetrics::circuit_open(name_);
  Backoff backoff(options_.backoff);
  CircuitBreaker breaker(options_.breaker);
  std::vector<std::string> records;
  std::vector<Alert> batch;
  bool failing = false;
  const auto idle_wait = std::min<std::chrono::milliseconds>(
      std::chrono::milliseconds(1000), options_.spool.fsync_interval);

  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
    }
    transport_->tick(Clock::now());
    if (batch.empty()) {
      if (!spool_->take(options_.batch_size, options_.batch_max_bytes, records)) {
        spool_->sync();
        spool_->wait(idle_wait);
        continue;
      }
      batch.clear();
      batch.reserve(records.size());
      for (const std::string& r : records) {
        Alert a;
        if (decode_alert(r, a)) {
          batch.push_back(std::move(a));
        } else {
          // The CRC held, so this is a record from an incompatible build: count, skip.
          ExporterMetrics::spool_corrupt(name_).Increment();
          log::warn("spool record not decodable; skipped", {{"sink", name_}});
        }
      }
      if (batch.empty()) {
        spool_->commit();
        continue;
      }
    }
    const auto now = Clock::now();
    if (!breaker.allow(now)) {
      sleep_for(breaker.wait_time(now));
      continue;
    }
    if (failing) retries.Increment();
    const SendResult result = transport_->send(batch);
    if (result.status == SendResult::Status::kRetry) {
      failures.Increment();
      if (!failing) {
        log::warn("delivery failed; retrying with backoff",
                  {{"sink", name_}, {"error", result.error}});
      }
      failing = true;
      const bool was_closed = breaker.state() == CircuitBreaker::State::kClosed;
      if (breaker.record_failure(Clock::now()) && was_closed) {
        circuit.Set(1);
        log::warn("circuit breaker open; deliveries paused",
                  {{"sink", name_}, {"error", result.error},
                   {"open_for_ms", std::to_string(options_.breaker.open_for.count())}});
      }
      sleep_for(backoff.next());
      continue;
    }
    if (result.status == SendResult::Status::kReject) {
      failures.Increment();
      rejected.Increment(static_cast<double>(batch.size()));
      log::error("receiver refused alerts for good; dropped",
                 {{"sink", name_}, {"alerts", std::to_string(batch.size())},
                  {"error", result.error}});
    } else {
      sent.Increment(static_cast<double>(batch.size()));
    }
    if (failing || breaker.state() != CircuitBreaker::State::kClosed) {
      log::info("delivery recovered", {{"sink", name_}});
    }
    failing = false;
    breaker.record_success();
    circuit.Set(0);
    backoff.reset();
    spool_->commit();
    batch.clear();
  }
}

std::unique_ptr<Sink> make_spooled_sink(const OutputConfig& config, const SinkContext& context,
                                        const DeliveryOptions& options,
                                        std::unique_ptr<Transport> transport, Diagnostics& diags) {
  if (context.validate_only) return std::make_unique<InertSink>(config.name);
  const std::string dir =
      (std::filesystem::path(context.state_dir) / "spool" / config.name).string();
  std::string error;
  auto spool = Spool::open(dir, config.name, options.spool, error);
  if (!spool) {
    diags.error("output.spool", config.mark.file, config.mark.line, config.mark.column,
                "outputs." + config.name + ": " + error);
    return nullptr;
  }
  return std::make_unique<SpooledSink>(config.name, std::move(spool), std::move(transport),
                                       options);
}

}  // namespace tripline
