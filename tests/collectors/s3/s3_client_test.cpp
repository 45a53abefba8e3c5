#include "collectors/s3/s3_client.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

TEST(S3Client, ParsesListObjectsV2ResultWithPrefixesAndContinuation) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>trail</Name><Prefix>AWSLogs/</Prefix><KeyCount>3</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextContinuationToken>tok==</NextContinuationToken>
  <Contents><Key>AWSLogs/a&amp;b.json.gz</Key><Size>123</Size><ETag>&quot;e1&quot;</ETag></Contents>
  <Contents><Key>AWSLogs/c.json.gz</Key><Size>7</Size></Contents>
  <CommonPrefixes><Prefix>AWSLogs/111/</Prefix></CommonPrefixes>
</ListBucketResult>)";
  S3ListPage page;
  std::string err;
  ASSERT_TRUE(S3Client::parse_list_result(xml, page, err)) << err;
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "AWSLogs/a&b.json.gz");
  EXPECT_EQ(page.objects[0].size, 123u);
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"AWSLogs/111/"});
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_token, "tok==");
}

TEST(S3Client, MalformedListResultIsAnErrorNotACrash) {
  S3ListPage page;
  std::string err;
  EXPECT_FALSE(S3Client::parse_list_result("<html>proxy error", page, err));
  EXPECT_FALSE(S3Client::parse_list_result("<ListBucketResult><Contents></Contents>", page, err));
  EXPECT_FALSE(S3Client::parse_list_result(
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>", page, err));
}

TEST(S3Client, AmzDateIsBasicIso8601InUtc) {
  EXPECT_EQ(amz_date(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
}

}  // namespace
}  // namespace tripline
