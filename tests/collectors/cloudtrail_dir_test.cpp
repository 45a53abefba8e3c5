#include "collectors/cloudtrail_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "config/config.h"
#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::delivery_doc;
using cloud_testing::gzip_bytes;
using cloud_testing::RecordingConsumer;
using cloud_testing::ScratchDir;
using cloud_testing::write_file;

const char* kDay = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/02/";

std::unique_ptr<Collector> build(const std::string& yaml_input, const ScratchDir& state,
                                 Diagnostics& diags) {
  const std::string text = "agent: { state_dir: " + state.path() + " }\ninputs:\n  - " +
                           yaml_input + "\n";
  Config config = load_config_text(text, "test.yaml", diags);
  if (diags.has_errors()) return nullptr;
  CollectorContext ctx{"testhost", state.path(), state.path()};
  return make_cloudtrail_dir_collector(config.inputs.at(0), ctx, diags);
}

std::unique_ptr<CloudTrailDirCollector> build_dir(const ScratchDir& root, const ScratchDir& state,
                                                  const std::string& extra = "") {
  Diagnostics diags;
  auto c = build("{ name: ct, type: cloudtrail, dir: " + root.path() + extra + " }", state, diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return std::unique_ptr<CloudTrailDirCollector>(static_cast<CloudTrailDirCollector*>(c.release()));
}

std::vector<std::string> event_names(const RecordingConsumer& out) {
  std::vector<std::string> names;
  for (const Event& e : out.events()) names.emplace_back(e.text("eventName"));
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CloudTrailDir, EmitsEveryRecordOfGzipAndPlainFilesAsAwsCloudtrailEvents) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "a_CloudTrail_us-east-1_20240102T0300Z_x.json.gz"),
             gzip_bytes(delivery_doc({"CreateUser", "GetUser"})));
  write_file(root / (std::string(kDay) + "b_CloudTrail_us-east-1_20240102T0305Z_y.json"),
             delivery_doc({"DeleteTrail"}));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  ASSERT_TRUE(c->scan_once(out));
  EXPECT_EQ(event_names(out), (std::vector<std::string>{"CreateUser", "DeleteTrail", "GetUser"}));
  for (const Event& e : out.events()) {
    EXPECT_EQ(e.logsource().to_string(), "aws/cloudtrail");
    EXPECT_EQ(e.source(), "ct");
    EXPECT_EQ(e.host(), "testhost");
  }
  EXPECT_EQ(c->done_count(), 2u);
}

TEST(CloudTrailDir, IgnoresDigestFilesAndSyncToolTemporaryNames) {
  ScratchDir root, state;
  write_file(root / "AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/02/1_CloudTrail-Digest_x.json.gz",
             gzip_bytes(delivery_doc({"Digest"})));
  write_file(root / (std::string(kDay) + "c.json.gz.a1B2c3"), gzip_bytes(delivery_doc({"Tmp"})));
  write_file(root / (std::string(kDay) + ".hidden.json"), delivery_doc({"Hidden"}));
  write_file(root / (std::string(kDay) + "real.json.gz"), gzip_bytes(delivery_doc({"Real"})));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(event_names(out), (std::vector<std::string>{"Real"}));
}

TEST(CloudTrailDir, RestartAfterCommitNeitherReemitsNorSkipsAFile) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "1.json.gz"), gzip_bytes(delivery_doc({"A", "B"})));
  {
    auto c = build_dir(root, state);
    RecordingConsumer out;
    c->scan_once(out);
    EXPECT_EQ(out.size(), 2u);
    c->flush_checkpoints();
  }
  write_file(root / (std::string(kDay) + "2.json.gz"), gzip_bytes(delivery_doc({"C"})));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(event_names(out), (std::vector<std::string>{"C"}));
}

TEST(CloudTrailDir, FileWhoseBatchesWereNeverCommittedIsReadAgainAfterRestart) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "1.json.gz"), gzip_bytes(delivery_doc({"A", "B", "C"})));
  {
    auto c = build_dir(root, state, ", batch_size: 2");
    RecordingConsumer out(/*commit=*/false);
    c->scan_once(out);
    EXPECT_EQ(out.batches(), 2u);
    c->scan_once(out);  // in flight: not read twice while the agent runs
    EXPECT_EQ(out.size(), 3u);
    c->flush_checkpoints();
    EXPECT_EQ(c->done_count(), 0u);
  }
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(out.size(), 3u);
}

TEST(CloudTrailDir, FileIsDoneOnlyWhenItsLastBatchCommits) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "1.json"), delivery_doc({"A", "B", "C"}));
  auto c = build_dir(root, state, ", batch_size: 1");
  RecordingConsumer out(false);
  c->scan_once(out);
  EXPECT_EQ(c->done_count(), 0u);
  out.commit_held();
  EXPECT_EQ(c->done_count(), 1u);
}

TEST(CloudTrailDir, HalfWrittenGzipFileIsRetriedNotHalfRead) {
  ScratchDir root, state;
  const std::string gz = gzip_bytes(delivery_doc({"A", "B", "C", "D"}));
  const std::string path = root / (std::string(kDay) + "1.json.gz");
  write_file(path, gz.substr(0, gz.size() / 2));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(out.size(), 0u);
  write_file(path, gz);
  c->scan_once(out);
  EXPECT_EQ(out.size(), 4u);
}

TEST(CloudTrailDir, HalfWrittenPlainDocumentIsRetriedNotHalfRead) {
  ScratchDir root, state;
  const std::string doc = delivery_doc({"A", "B"});
  const std::string path = root / (std::string(kDay) + "1.json");
  write_file(path, doc.substr(0, doc.size() - 20));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(out.size(), 0u);
  write_file(path, doc);
  c->scan_once(out);
  EXPECT_EQ(out.size(), 2u);
}

TEST(CloudTrailDir, BrokenFileIsSkippedAfterMaxAttemptsWithoutBlockingOthers) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "0broken.json.gz"), "not gzip and not json");
  write_file(root / (std::string(kDay) + "1good.json.gz"), gzip_bytes(delivery_doc({"Good"})));
  auto c = build_dir(root, state, ", max_attempts: 2");
  RecordingConsumer out;
  c->scan_once(out);
  c->scan_once(out);
  c->scan_once(out);
  EXPECT_EQ(event_names(out), (std::vector<std::string>{"Good"}));
  EXPECT_EQ(c->done_count(), 1u);
}

TEST(CloudTrailDir, StartAtEndSkipsWhatIsAlreadyThereOnFirstStart) {
  ScratchDir root, state;
  write_file(root / (std::string(kDay) + "old.json.gz"), gzip_bytes(delivery_doc({"Old"})));
  auto c = build_dir(root, state, ", start_at: end");
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(out.size(), 0u);
  write_file(root / (std::string(kDay) + "new.json.gz"), gzip_bytes(delivery_doc({"New"})));
  c->scan_once(out);
  EXPECT_EQ(event_names(out), (std::vector<std::string>{"New"}));
}

TEST(CloudTrailDir, DeletedFilesLeaveTheCheckpoint) {
  ScratchDir root, state;
  const std::string path = root / (std::string(kDay) + "1.json.gz");
  write_file(path, gzip_bytes(delivery_doc({"A"})));
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(c->done_count(), 1u);
  std::filesystem::remove(path);
  c->scan_once(out);
  EXPECT_EQ(c->done_count(), 0u);
}

TEST(CloudTrailDir, AFileSeenBeforeItsFirstWriteIsReadOnceItHasBytes) {
  // A scan between the writer's create and its first write sees an empty file: it must not be
  // marked done with no records.
  ScratchDir root, state;
  const std::string path = root / (std::string(kDay) + "1.json.gz");
  write_file(path, "");
  auto c = build_dir(root, state);
  RecordingConsumer out;
  c->scan_once(out);
  EXPECT_EQ(c->done_count(), 0u);
  write_file(path, gzip_bytes(delivery_doc({"A"})));
  c->scan_once(out);
  EXPECT_TRUE(out.wait_for(1));
}

TEST(CloudTrailDir, RunsOnItsOwnThreadUntilStopped) {
  ScratchDir root, state;
  auto c = build_dir(root, state, ", poll_interval: 20ms");
  RecordingConsumer out;
  c->start(out);
  write_file(root / (std::string(kDay) + "1.json.gz"), gzip_bytes(delivery_doc({"A"})));
  EXPECT_TRUE(out.wait_for(1));
  c->stop();
  c->flush_checkpoints();
  EXPECT_TRUE(std::filesystem::exists(state.path() + "/checkpoints/ct.json"));
}

TEST(CloudTrailDir, MinimalDesignConfigIsValidAndUnknownKeysAreErrors) {
  ScratchDir state;
  Diagnostics ok;
  EXPECT_NE(build("{ name: cloudtrail, type: cloudtrail, dir: /var/lib/cloudtrail-sync }", state,
                  ok),
            nullptr);
  EXPECT_FALSE(ok.has_errors());
  Diagnostics bad;
  EXPECT_EQ(build("{ name: ct, type: cloudtrail, dir: /x, bucket: nope }", state, bad), nullptr);
  ASSERT_TRUE(bad.has_errors());
  EXPECT_NE(bad.items[0].message.find("bucket"), std::string::npos);
  Diagnostics missing;
  EXPECT_EQ(build("{ name: ct, type: cloudtrail }", state, missing), nullptr);
  EXPECT_TRUE(missing.has_errors());
}

}  // namespace
}  // namespace tripline
