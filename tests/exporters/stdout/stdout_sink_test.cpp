#include "exporters/stdout/stdout_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/sink_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

TEST(StdoutSink, TransportWritesJsonLines) {
  testing::TempDir tmp;
  const int fd = ::open((tmp / "out").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  StdoutTransport t(fd);
  const auto alerts = testing::make_alerts(0, 2);
  EXPECT_EQ(t.send(alerts).status, SendResult::Status::kOk);
  ::close(fd);
  std::ifstream in(tmp / "out");
  std::string a, b;
  std::getline(in, a);
  std::getline(in, b);
  EXPECT_EQ(a, alerts[0].to_json());
  EXPECT_EQ(b, alerts[1].to_json());
}

TEST(StdoutSink, ClosedDescriptorIsARetryableFailure) {
  StdoutTransport t(-1);
  EXPECT_EQ(t.send(testing::make_alerts(0, 1)).status, SendResult::Status::kRetry);
}

TEST(StdoutSink, RejectsUnknownKeys) {
  testing::TempDir tmp;
  Diagnostics diags;
  EXPECT_EQ(testing::build_sink("  - { name: s, type: stdout, path: x }", tmp.path(), diags),
            nullptr);
  EXPECT_NE(testing::diag_text(diags).find("path"), std::string::npos);
}

}  // namespace
}  // namespace tripline
