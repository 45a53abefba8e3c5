#include <gtest/gtest.h>

#include "config/config.h"
#include "config/yaml_map.h"

namespace tripline {
namespace {

Config load(const std::string& text, Diagnostics& diags) {
  return load_config_text(text, "t.yaml", diags);
}

bool has_error(const Diagnostics& d, const std::string& code, int line) {
  for (const auto& i : d.items) {
    if (i.code == code && i.line == line && i.file == "t.yaml") return true;
  }
  return false;
}

TEST(ConfigLoaderTest, LoadsTheDesignMinimalConfig) {
  Diagnostics d;
  Config c = load(R"(agent:   { state_dir: /var/lib/tripline }
inputs:
  - { name: auth, type: file, paths: [/var/log/auth.log], format: syslog, start_at: end }
  - { name: app,  type: file, paths: ["/var/log/app/*.jsonl"], format: jsonl,
      logsource: { product: myapp, service: audit } }
  - { name: cloudtrail, type: cloudtrail, dir: /var/lib/cloudtrail-sync }
rules:   { paths: [/etc/tripline/rules.d] }
outputs:
  - { name: local, type: file, path: /var/log/tripline/alerts.jsonl }
  - { name: am, type: alertmanager, url: "http://127.0.0.1:9093" }
metrics: { listen: "127.0.0.1:9786" }
)",
                  d);
  EXPECT_FALSE(d.has_errors()) << d.items[0].to_string();
  ASSERT_EQ(c.inputs.size(), 3u);
  EXPECT_EQ(c.inputs[1].logsource.product, "myapp");
  EXPECT_EQ(c.outputs[1].type, "alertmanager");
  EXPECT_EQ(c.metrics.listen, "127.0.0.1:9786");
  EXPECT_EQ(c.rules.paths[0], "/etc/tripline/rules.d");
}

TEST(ConfigLoaderTest, UnknownKeyIsAnErrorWithLine) {
  Diagnostics d;
  load("agent:\n  state_dir: /x\n  stat_dir: /y\n", d);
  EXPECT_TRUE(has_error(d, "config.unknown-key", 3));
}

TEST(ConfigLoaderTest, WrongTypeIsAnErrorWithLine) {
  Diagnostics d;
  load("agent:\n  threads: many\n", d);
  EXPECT_TRUE(has_error(d, "config.type", 2));
}

// Found by fuzz_config: placeholders written as a list threw from yaml-cpp instead of erring.
TEST(ConfigLoaderTest, PlaceholdersThatAreNotAMappingAreAnErrorNotAThrow) {
  Diagnostics d;
  EXPECT_NO_THROW(load("rules:\n  paths: [r]\n  placeholders:\n  - { name: a }\n", d));
  EXPECT_TRUE(has_error(d, "config.type", 4));
}

TEST(ConfigLoaderTest, OutputMinSevIsReadAndDefaultsToEveryAlert) {
  Diagnostics d;
  Config c = load(R"(outputs:
  - { name: local, type: file, path: /tmp/a.jsonl }
  - { name: pager, type: alertmanager, url: "http://127.0.0.1:9093", min_sev: SEV2 }
)",
                  d);
  EXPECT_FALSE(d.has_errors()) << d.items[0].to_string();
  ASSERT_EQ(c.outputs.size(), 2u);
  EXPECT_EQ(c.outputs[0].min_sev, Sev::kSev4);
  EXPECT_EQ(c.outputs[1].min_sev, Sev::kSev2);
}

TEST(ConfigLoaderTest, OutputMinSevThatIsNotAGradeIsAnErrorWithLine) {
  Diagnostics d;
  load("outputs:\n  - name: pager\n    type: file\n    min_sev: high\n", d);
  EXPECT_TRUE(has_error(d, "config.type", 4));
}

TEST(ConfigLoaderTest, MissingRequiredKeyIsAnError) {
  Diagnostics d;
  load("inputs:\n  - { name: a }\n", d);
  EXPECT_TRUE(has_error(d, "config.missing-key", 2));
}

TEST(ConfigLoaderTest, DuplicateInputNamesAreAnError) {
  Diagnostics d;
  load("inputs:\n  - { name: a, type: file }\n  - { name: a, type: file }\n", d);
  EXPECT_TRUE(has_error(d, "config.duplicate-name", 3));
}

TEST(ConfigLoaderTest, YamlSyntaxErrorNamesTheLine) {
  Diagnostics d;
  load("agent:\n  state_dir: [unclosed\n", d);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items[0].code, "config.yaml");
  EXPECT_GT(d.items[0].line, 0);
}

TEST(ConfigLoaderTest, EmbeddedDefaultConfigLoadsCleanly) {
  Diagnostics d;
  Config c = load_config_text(embedded_default_config(), "<embedded>", d);
  EXPECT_FALSE(d.has_errors());
  EXPECT_FALSE(c.inputs.empty());
}

TEST(YamlMapTest, SecretFromFileStripsNewline) {
  const std::string path = ::testing::TempDir() + "/secret.txt";
  FILE* f = fopen(path.c_str(), "w");
  fputs("s3cr3t\n", f);
  fclose(f);
  Diagnostics d;
  YAML::Node n = YAML::Load("token_file: " + path);
  YamlMap m(n, "x", "t.yaml", d);
  std::string secret;
  EXPECT_TRUE(m.get_secret("token", secret, true));
  EXPECT_EQ(secret, "s3cr3t");
  m.finish();
  EXPECT_FALSE(d.has_errors());
}

TEST(YamlMapTest, ParsesDurationsAndSizes) {
  std::chrono::milliseconds ms{};
  EXPECT_TRUE(YamlMap::parse_duration("250ms", ms));
  EXPECT_EQ(ms.count(), 250);
  EXPECT_TRUE(YamlMap::parse_duration("5m", ms));
  EXPECT_EQ(ms.count(), 300000);
  EXPECT_FALSE(YamlMap::parse_duration("5 parsecs", ms));
  // Found by fuzz_lua_rule: a duration past int64 milliseconds was an undefined conversion.
  EXPECT_FALSE(YamlMap::parse_duration("2e79d", ms));
  EXPECT_FALSE(YamlMap::parse_duration("9300000000000000s", ms));
  EXPECT_TRUE(YamlMap::parse_duration("9000000000000000ms", ms));
  uint64_t bytes = 0;
  EXPECT_TRUE(YamlMap::parse_size("10MiB", bytes));
  EXPECT_EQ(bytes, 10u << 20);
  EXPECT_FALSE(YamlMap::parse_size("lots", bytes));
}

}  // namespace
}  // namespace tripline
