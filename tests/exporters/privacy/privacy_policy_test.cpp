#include "exporters/privacy/privacy_policy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../../support/temp_dir.h"

namespace tripline {
namespace {

using testing::TempDir;

std::unique_ptr<PrivacyPolicy> read(const std::string& yaml, const std::string& dir,
                                    Diagnostics& diags) {
  YAML::Node root = YAML::Load(yaml);
  return read_privacy_policy(root["privacy"], "tripline.yaml", dir, diags);
}

void write_key(const std::string& path, const std::string& key, mode_t mode = 0600) {
  std::ofstream(path) << key;
  ::chmod(path.c_str(), mode);
}

std::string all(const Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items) s += i.to_string() + "\n";
  return s;
}

TEST(PrivacyPolicyTest, ReadsKeyRelativeToConfigDirAndLogsourcesInBothForms) {
  TempDir dir;
  write_key(dir / "privacy.key", "0123456789abcdef0123456789abcdef\n");
  Diagnostics diags;
  auto p = read(R"(
privacy:
  key_file: privacy.key
  logsources:
    - logsource: linux/sshd
      hash: [user.name, source.ip]
      drop: [source.port]
    - logsource: { product: aws, service: cloudtrail }
      hash: [sourceIPAddress]
    - drop: [password]
)",
                dir.path(), diags);
  ASSERT_TRUE(p) << all(diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(p->key, "0123456789abcdef0123456789abcdef") << "trailing newline stripped";
  EXPECT_EQ(p->key_id.size(), 8u);
  ASSERT_EQ(p->rules.size(), 3u);
  EXPECT_EQ(p->rules[0].logsource.service, "sshd");
  EXPECT_EQ(p->rules[1].logsource.product, "aws");
  EXPECT_TRUE(p->rules[2].applies_to({"anything", "at", "all"}));
  EXPECT_FALSE(p->rules[0].applies_to({"linux", "auth", ""}));
  EXPECT_FALSE(p->hmac_alert_id);
}

TEST(PrivacyPolicyTest, AbsentSectionIsNoPolicyAndNoError) {
  Diagnostics diags;
  EXPECT_FALSE(read("agent: {}\n", "", diags));
  EXPECT_TRUE(diags.items.empty());
}

TEST(PrivacyPolicyTest, HashWithoutKeyIsAnErrorWithLine) {
  Diagnostics diags;
  EXPECT_FALSE(read("privacy:\n  logsources:\n    - { hash: [user.name] }\n", "", diags));
  EXPECT_NE(all(diags).find("tripline.yaml:2"), std::string::npos) << all(diags);
  EXPECT_NE(all(diags).find("key_file"), std::string::npos);
}

TEST(PrivacyPolicyTest, ShortKeyAndUnreadableKeyAreErrors) {
  TempDir dir;
  write_key(dir / "short.key", "tooshort");
  Diagnostics d1;
  EXPECT_FALSE(
      read("privacy: { key_file: short.key, logsources: [{ hash: [a] }] }", dir.path(), d1));
  EXPECT_NE(all(d1).find("at least 16 bytes"), std::string::npos) << all(d1);
  Diagnostics d2;
  EXPECT_FALSE(
      read("privacy: { key_file: missing.key, logsources: [{ hash: [a] }] }", dir.path(), d2));
  EXPECT_NE(all(d2).find("cannot read"), std::string::npos) << all(d2);
}

TEST(PrivacyPolicyTest, WorldReadableKeyIsAWarning) {
  TempDir dir;
  write_key(dir / "k", "0123456789abcdef0123", 0644);
  Diagnostics diags;
  EXPECT_TRUE(read("privacy: { key_file: k, logsources: [{ hash: [a] }] }", dir.path(), diags));
  EXPECT_FALSE(diags.has_errors());
  EXPECT_NE(all(diags).find("readable by every user"), std::string::npos) << all(diags);
}

TEST(PrivacyPolicyTest, UnknownKeysBadPathsAndConflictsAreErrors) {
  TempDir dir;
  write_key(dir / "k", "0123456789abcdef0123");
  Diagnostics diags;
  EXPECT_FALSE(read(R"(
privacy:
  key_file: k
  key_id: "a:b"
  salt: nope
  logsources:
    - { hash: [user.name], drop: [user.name] }
    - { hash: [".x"] }
    - { logsource: linux/sshd }
    - { logsource: { product: linux, servce: sshd }, drop: [a] }
)",
                    dir.path(), diags));
  const std::string text = all(diags);
  EXPECT_NE(text.find("salt"), std::string::npos) << text;
  EXPECT_NE(text.find("must not contain ':'"), std::string::npos) << text;
  EXPECT_NE(text.find("listed twice"), std::string::npos) << text;
  EXPECT_NE(text.find("not a dotted field path"), std::string::npos) << text;
  EXPECT_NE(text.find("give the fields"), std::string::npos) << text;
  EXPECT_NE(text.find("servce"), std::string::npos) << text;
}

TEST(PrivacyPolicyTest, DropOnlyPolicyNeedsNoKey) {
  Diagnostics diags;
  auto p = read("privacy:\n  logsources:\n    - { drop: [password] }\n", "", diags);
  ASSERT_TRUE(p) << all(diags);
  EXPECT_TRUE(p->key.empty());
}

}  // namespace
}  // namespace tripline
