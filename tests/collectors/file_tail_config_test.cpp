#include <gtest/gtest.h>

#include "collectors/collector_registry.h"
#include "collectors/file_tail.h"
#include "collectors/tail/tail_options.h"
#include "config/config.h"

namespace tripline {
namespace {

InputConfig input_from(const std::string& yaml, Diagnostics& diags) {
  Config config = load_config_text(yaml, "tripline.yaml", diags);
  EXPECT_EQ(config.inputs.size(), 1u);
  return config.inputs.empty() ? InputConfig{} : config.inputs[0];
}

bool has_error(const Diagnostics& d, const std::string& code, int line, const std::string& text) {
  for (const Diagnostic& item : d.items) {
    if (item.code == code && item.line == line && item.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(FileTailConfigTest, FileTypeIsRegistered) {
  CollectorRegistry registry("collector");
  register_builtin_collectors(registry);
  EXPECT_NE(registry.find("file"), nullptr);
}

TEST(FileTailConfigTest, DefaultsApplyWhenOnlyPathsIsGiven) {
  Diagnostics diags;
  InputConfig in = input_from("inputs:\n  - { name: a, type: file, paths: [/var/log/a.log] }\n", diags);
  TailOptions o;
  ASSERT_TRUE(read_tail_options(in, {"h", "/tmp/state", "/etc/tripline"}, diags, o));
  EXPECT_EQ(o.paths, std::vector<std::string>{"/var/log/a.log"});
  EXPECT_EQ(o.format, "jsonl");
  EXPECT_TRUE(o.start_at_end);
  EXPECT_EQ(o.max_line_bytes, 1u << 20);
  EXPECT_EQ(o.batch_size, 512u);
  EXPECT_EQ(o.poll_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(o.rescan_interval, std::chrono::milliseconds(2000));
  EXPECT_TRUE(o.inotify);
  EXPECT_EQ(o.close_inactive, std::chrono::minutes(5));
  EXPECT_EQ(o.checkpoint_interval, std::chrono::milliseconds(100));
}

TEST(FileTailConfigTest, EveryKeyIsRead) {
  Diagnostics diags;
  InputConfig in = input_from(R"(inputs:
  - name: app
    type: file
    logsource: { product: myapp }
    fields: { env: prod }
    paths: ["logs/*.jsonl", /abs/x.log]
    exclude: ["*.gz"]
    format: cloudtrail
    start_at: beginning
    max_line_bytes: 64KiB
    batch_size: 100
    poll_interval: 100ms
    rescan_interval: 5s
    inotify: false
    time_fields: [ts]
    close_inactive: 1m
    checkpoint_interval: 1s
)",
                              diags);
  TailOptions o;
  ASSERT_TRUE(read_tail_options(in, {"h", "/tmp/state", "/etc/tripline"}, diags, o))
      << (diags.items.empty() ? "" : diags.items[0].to_string());
  EXPECT_EQ(o.paths, (std::vector<std::string>{"/etc/tripline/logs/*.jsonl", "/abs/x.log"}));
  EXPECT_EQ(o.exclude, std::vector<std::string>{"*.gz"});
  EXPECT_EQ(o.format, "cloudtrail");
  EXPECT_FALSE(o.start_at_end);
  EXPECT_EQ(o.max_line_bytes, 65536u);
  EXPECT_EQ(o.batch_size, 100u);
  EXPECT_EQ(o.poll_interval, std::chrono::milliseconds(100));
  EXPECT_EQ(o.rescan_interval, std::chrono::seconds(5));
  EXPECT_FALSE(o.inotify);
  EXPECT_EQ(o.time_fields, std::vector<std::string>{"ts"});
  EXPECT_EQ(o.close_inactive, std::chrono::minutes(1));
  EXPECT_EQ(o.checkpoint_interval, std::chrono::seconds(1));
}

TEST(FileTailConfigTest, UnknownKeysAndBadValuesAreReportedWithTheirLine) {
  Diagnostics diags;
  InputConfig in = input_from(R"(inputs:
  - name: app
    type: file
    paths: [/x.log]
    format: xml
    start_at: middle
    pathz: [/y.log]
    batch_size: 0
)",
                              diags);
  auto collector = make_file_tail_collector(in, {"h", "/tmp/s", ""}, diags);
  EXPECT_EQ(collector, nullptr);
  EXPECT_TRUE(has_error(diags, "config.type", 5, "format must be one of"));
  EXPECT_TRUE(has_error(diags, "config.type", 6, "start_at must be one of beginning|end"));
  EXPECT_TRUE(has_error(diags, "config.unknown-key", 7, "unknown key 'pathz'"));
  EXPECT_TRUE(has_error(diags, "config.value", 8, "batch_size"));
}

TEST(FileTailConfigTest, PathsAreRequired) {
  Diagnostics diags;
  InputConfig in = input_from("inputs:\n  - { name: a, type: file }\n", diags);
  EXPECT_EQ(make_file_tail_collector(in, {"h", "/tmp/s", ""}, diags), nullptr);
  EXPECT_TRUE(has_error(diags, "config.missing-key", 2, "'paths'"));
}

TEST(FileTailConfigTest, FactoryBuildsACollectorNamedAfterTheInput) {
  Diagnostics diags;
  InputConfig in = input_from("inputs:\n  - { name: web, type: file, paths: [/x.log] }\n", diags);
  auto collector = make_file_tail_collector(in, {"h", "/tmp/s", ""}, diags);
  ASSERT_NE(collector, nullptr);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(collector->name(), "web");
}

}  // namespace
}  // namespace tripline
