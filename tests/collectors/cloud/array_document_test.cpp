#include <gtest/gtest.h>

#include "collectors/cloud/delivery_file.h"
#include "collectors/format_sniffer.h"
#include "collectors/record_reader.h"
#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::ScratchDir;
using cloud_testing::write_file;

const std::string kArray =
    R"([ {"eventSource":"iam.amazonaws.com","awsRegion":"us-east-1","eventName":"CreateUser"},)"
    "\n  {\"eventSource\":\"s3.amazonaws.com\",\"awsRegion\":\"us-east-1\",\"eventName\":\"GetObject\"} ]";

TEST(CloudTrailArrayDocument, TopLevelArrayOfRecordsIsSniffedAsCloudTrail) {
  const SniffResult r = sniff_format(kArray);
  EXPECT_EQ(r.format, "cloudtrail");
  EXPECT_EQ(r.framing, Framing::kRecordsArray);
  EXPECT_EQ(r.array_key, "");
  EXPECT_EQ(r.logsource.to_string(), "aws/cloudtrail");
  EXPECT_EQ(sniff_format("[1,2,3]").format, "syslog");  // not CloudTrail: left as before
}

TEST(CloudTrailArrayDocument, RecordReaderSplitsTheArrayIntoMinifiedRecords) {
  ScratchDir dir;
  write_file(dir / "a.json", kArray);
  std::vector<std::string> records;
  std::string error;
  ASSERT_TRUE(read_delivery_file(dir / "a.json", records, error)) << error;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1],
            R"({"eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","eventName":"GetObject"})");
}

TEST(CloudTrailArrayDocument, DeliveryNamesExcludeDigestsAndTemporaryFiles) {
  EXPECT_TRUE(is_delivery_name("1_CloudTrail_us-east-1_20240102T0000Z_x.json.gz"));
  EXPECT_TRUE(is_delivery_name("x.json"));
  EXPECT_FALSE(is_delivery_name("1_CloudTrail-Digest_us-east-1_20240102T0000Z.json.gz"));
  EXPECT_FALSE(is_delivery_name("x.json.gz.6fA1b2"));
  EXPECT_FALSE(is_delivery_name(".x.json"));
  EXPECT_FALSE(is_delivery_name("ConfigWritabilityCheckFile"));
}

}  // namespace
}  // namespace tripline
