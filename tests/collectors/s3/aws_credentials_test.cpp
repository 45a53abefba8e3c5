#include "collectors/s3/aws_credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::ScratchDir;
using cloud_testing::write_file;

// Environment variables are process-wide: restore them after each test.
class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                          "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
      if (const char* old = std::getenv(v)) saved_.emplace_back(v, old);
      ::unsetenv(v);
    }
  }
  void TearDown() override {
    for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                          "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
      ::unsetenv(v);
    }
    for (auto& [k, v] : saved_) ::setenv(k.c_str(), v.c_str(), 1);
  }
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(AwsCredentialsTest, ConfigWinsOverEnvironment) {
  ::setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  AwsCredentialSource src;
  src.inline_credentials = {"CFGKEY", "cfgsecret", ""};
  AwsCredentials c;
  std::string err;
  ASSERT_TRUE(src.resolve(c, err));
  EXPECT_EQ(c.access_key_id, "CFGKEY");
}

TEST_F(AwsCredentialsTest, EnvironmentIsUsedWithSessionToken) {
  ::setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  ::setenv("AWS_SESSION_TOKEN", "tok", 1);
  AwsCredentials c;
  std::string err;
  ASSERT_TRUE(AwsCredentialSource{}.resolve(c, err));
  EXPECT_EQ(c.access_key_id, "ENVKEY");
  EXPECT_EQ(c.session_token, "tok");
}

TEST_F(AwsCredentialsTest, SharedFileProfileFromEnvironmentIsRead) {
  ScratchDir dir;
  write_file(dir / "credentials",
             "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n\n"
             "# audit reader\n[profile audit]\naws_access_key_id=AUD\naws_secret_access_key=s\n"
             "aws_session_token = t0k\n");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").c_str(), 1);
  ::setenv("AWS_PROFILE", "audit", 1);
  AwsCredentials c;
  std::string err;
  ASSERT_TRUE(AwsCredentialSource{}.resolve(c, err)) << err;
  EXPECT_EQ(c.access_key_id, "AUD");
  EXPECT_EQ(c.secret_access_key, "s");
  EXPECT_EQ(c.session_token, "t0k");
}

TEST_F(AwsCredentialsTest, MissingProfileIsAClearError) {
  ScratchDir dir;
  write_file(dir / "credentials", "[default]\naws_access_key_id=A\naws_secret_access_key=B\n");
  AwsCredentialSource src;
  src.credentials_file = dir / "credentials";
  src.profile = "prod";
  AwsCredentials c;
  std::string err;
  EXPECT_FALSE(src.resolve(c, err));
  EXPECT_NE(err.find("profile [prod] not found"), std::string::npos) << err;
}

}  // namespace
}  // namespace tripline
