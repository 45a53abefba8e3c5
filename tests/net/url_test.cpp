#include "net/url.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

TEST(ParseUrl, ReadsSchemePortPathAndHostHeader) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("http://127.0.0.1:4568/base/?x=1", u, err)) << err;
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "4568");
  EXPECT_EQ(u.target, "/base/?x=1");
  EXPECT_EQ(u.host_header(), "127.0.0.1:4568");
}

TEST(ParseUrl, DefaultsPortAndTargetFromTheScheme) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("https://s3.eu-west-1.amazonaws.com", u, err)) << err;
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.host_header(), "s3.eu-west-1.amazonaws.com");
}

TEST(ParseUrl, BracketsIpv6HostsOnlyInTheHostHeader) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("https://[::1]:9000/p", u, err)) << err;
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.host_header(), "[::1]:9000");
}

TEST(ParseUrl, RefusesOtherSchemesBadPortsAndUserInfo) {
  Url u;
  std::string err;
  EXPECT_FALSE(parse_url("ftp://x", u, err));
  EXPECT_FALSE(parse_url("http://host:port", u, err));
  EXPECT_FALSE(parse_url("http://host:70000", u, err));
  EXPECT_FALSE(parse_url("http://user:pw@host", u, err));
  EXPECT_FALSE(parse_url("http://[::1", u, err));
  EXPECT_FALSE(err.empty());
}

}  // namespace
}  // namespace tripline
