#include "collectors/s3/sigv4.h"

#include <gtest/gtest.h>

#include "core/digest.h"

namespace tripline {
namespace {

// The worked examples of AWS's "Signature Calculations for the Authorization Header" (S3).
const AwsCredentials kExampleCreds{"AKIAIOSFODNN7EXAMPLE",
                                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const std::string kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(SigV4, GetObjectWithRangeMatchesAwsDocumentedSignature) {
  SigV4Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.payload_sha256 = kEmpty;
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmpty},
               {"x-amz-date", "20130524T000000Z"}};
  EXPECT_EQ(sigv4_authorization(r, kExampleCreds, "us-east-1", "s3", "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, ListObjectsQueryIsSortedAndMatchesAwsDocumentedSignature) {
  SigV4Request r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  r.payload_sha256 = kEmpty;
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-content-sha256", kEmpty},
               {"x-amz-date", "20130524T000000Z"}};
  const std::string auth =
      sigv4_authorization(r, kExampleCreds, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(auth.find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos)
      << auth;
}

TEST(SigV4, UriEncodingKeepsUnreservedAndSlashesOnlyInPaths) {
  EXPECT_EQ(aws_uri_encode("AWSLogs/1/a b+c~d_e.f-g", true), "AWSLogs/1/a%20b%2Bc~d_e.f-g");
  EXPECT_EQ(aws_uri_encode("a/b=c", false), "a%2Fb%3Dc");
  EXPECT_EQ(canonical_query({{"start-after", "x/y"}, {"list-type", "2"}}),
            "list-type=2&start-after=x%2Fy");
}

TEST(SigV4, HmacSha256MatchesRfc4231TestCase2) {
  const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (unsigned char c : mac) {
    static const char* k = "0123456789abcdef";
    hex += k[c >> 4];
    hex += k[c & 15];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace tripline
