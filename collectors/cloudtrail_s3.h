#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "collectors/cloud/cursor_store.h"
#include "collectors/cloud/object_emitter.h"
#include "collectors/collector_registry.h"
#include "collectors/s3/aws_credentials.h"
#include "collectors/s3/s3_client.h"

namespace tripline {

// `type: cloudtrail_s3`. Polls an S3 bucket (or any S3-compatible store) where CloudTrail
// delivers, and emits each record as one event (logsource aws/cloudtrail). Keys
// (docs/inputs.md): bucket (required), prefix, region, endpoint, path_style, profile,
// credentials_file, access_key_id, secret_access_key[_file], session_token[_file], tls.ca_file,
// tls.verify, poll_interval, request_timeout, max_object_size, late_arrival_window, start_at,
// batch_size, max_attempts.
//
// Listing: the bucket is split into partitions, the prefixes under which keys are date-ordered
// (CloudTrail's <...>/<region>/YYYY/MM/DD/), found with delimiter listings, so one region's
// position never hides another's new files. Each partition is listed with start-after a floor
// that trails its newest committed object by late_arrival_window, and the committed keys above
// the floor are checkpointed, so objects delivered late or out of name order are still read, and
// none twice. Prefixes without a date layout are listed from the last key below which every
// object is committed.
class CloudTrailS3Collector : public Collector {
 public:
  struct Options {
    S3ClientOptions s3;
    std::string prefix;
    AwsCredentialSource credentials;
    std::chrono::milliseconds poll_interval{60000};
    std::chrono::milliseconds max_backoff{300000};
    int late_arrival_days = 1;
    bool start_at_end = false;
    size_t batch_size = 500;
    int max_attempts = 3;
  };

  CloudTrailS3Collector(std::shared_ptr<const InputInfo> input, Options options,
                        const std::string& state_dir);
  ~CloudTrailS3Collector() override;

  const std::string& name() const override { return input_->name; }
  void start(BatchConsumer& out) override;
  void stop() override;
  void flush_checkpoints() override;

  // One polling cycle over every partition. Returns false with `error` set when S3 could not be
  // listed or read (the caller backs off), or when the pipeline shut down. Exposed for tests.
  bool poll_once(BatchConsumer& out, std::string& error);
  // Observability for tests and operators.
  std::string last_error() const;
  uint64_t failed_polls() const { return failed_polls_; }
  size_t committed_objects() const;

 private:
  struct Partition {
    bool dated = false;
    std::string floor;           // listing starts after this key
    std::set<std::string> done;  // committed keys above the floor
  };
  bool discover(const AwsCredentials& creds, std::map<std::string, bool>& partitions,
                std::string& error);
  bool poll_partition(BatchConsumer& out, const AwsCredentials& creds, const std::string& prefix,
                      bool dated, std::string& error);
  bool fetch_and_emit(BatchConsumer& out, const AwsCredentials& creds, const std::string& prefix,
                      const std::string& key, bool& aborted, std::string& error);
  void mark_done(const std::string& prefix, const std::string& key);
  bool is_done(const std::string& prefix, const std::string& key) const;
  void advance_floor(const std::string& prefix, const std::vector<std::string>& listed);
  void load_checkpoint();
  void save_checkpoint(bool force);
  bool stopping() const;
  void run(BatchConsumer* out);

  std::shared_ptr<const InputInfo> input_;
  Options options_;
  ObjectEmitter emitter_;
  CursorStore store_;
  S3Client client_;
  std::string scratch_file_;

  mutable std::mutex mu_;  // guards partitions_ and dirty_
  std::map<std::string, Partition> partitions_;
  bool dirty_ = false;
  bool fresh_start_ = false;

  std::mutex save_mu_;
  std::chrono::steady_clock::time_point last_save_{};
  std::set<std::string> in_flight_;         // collector thread only
  std::map<std::string, int> failures_;     // key → failed reads of its content
  mutable std::mutex error_mu_;
  std::string last_error_;
  std::atomic<uint64_t> failed_polls_{0};

  mutable std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

std::unique_ptr<Collector> make_cloudtrail_s3_collector(const InputConfig& config,
                                                        const CollectorContext& context,
                                                        Diagnostics& diags);

}  // namespace tripline
