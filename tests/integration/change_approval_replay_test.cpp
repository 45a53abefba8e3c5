// Issue #6 layer 2 end to end: `tripline replay --config` over a CloudTrail delivery file grades
// the IAM mutations an approved change covers SEV4 with its change_id and leaves the rest alone.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/agent_process.h"

namespace tripline {
namespace {

using testing::AgentProcess;
using testing::make_temp_dir;
using testing::read_file;
using testing::write_file;

struct Graded {
  std::string rule_id;
  std::string sev;
  std::string change_id;
};

// eventID of the record behind each alert → what the alert says.
std::map<std::string, Graded> replay_graded(const std::string& dir,
                                            const std::vector<std::string>& extra) {
  const std::string rules = std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/";
  std::vector<std::string> args = {"replay",  "--no-progress",
                                   "--rules", rules + "aws_iam_admin_policy_attached.yml",
                                   "--rules", rules + "aws_iam_identity_created.yml"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::string(TRIPLINE_FIXTURES_DIR) + "/cloudtrail/iam_change_window.json");
  const std::string out = dir + "/out.jsonl", err = dir + "/err.log";
  AgentProcess p(args, out, err);
  EXPECT_EQ(p.wait(), 0) << read_file(err);
  std::map<std::string, Graded> graded;
  std::ifstream in(out);
  simdjson::dom::parser parser;
  for (std::string line; std::getline(in, line);) {
    simdjson::dom::element a = parser.parse(line);
    Graded g{std::string(a["rule_id"].get_string().value()),
             std::string(a["sev"].get_string().value()), ""};
    if (auto c = a["change_id"].get_string(); !c.error()) g.change_id = std::string(c.value());
    simdjson::dom::element first = a["events"].at(0);
    std::string event_id(first["eventID"].get_string().value());
    EXPECT_TRUE(graded.emplace(event_id, g).second) << "two alerts for " << event_id;
  }
  return graded;
}

const char* kConfig = R"(rules:
  severity:
    changes:
      approved:
        - id: CHG-1042
          start: 2026-11-23T09:00:00Z
          end: 2026-11-23T11:00:00Z
          principals: ["arn:aws:sts::111122223333:assumed-role/terraform/*"]
        - id: CHG-2001
          ticket: CHG-2001
)";

TEST(ChangeApprovalReplay, InsideAnApprovedChangeSev4WithChangeIdOutsideKeepsItsSeverity) {
  const std::string dir = make_temp_dir("changes");
  write_file(dir + "/tripline.yaml", kConfig);
  const auto graded = replay_graded(dir, {"--config", dir + "/tripline.yaml"});
  const std::string id = "c0a80001-0000-4000-8000-00000000000";
  ASSERT_EQ(graded.size(), 5u) << "GetUser is read-only: no alert";
  // CreateUser by the approved terraform role inside the window.
  EXPECT_EQ(graded.at(id + "1").sev, "SEV4");
  EXPECT_EQ(graded.at(id + "1").change_id, "CHG-1042");
  // CreateUser by someone else inside the window: not covered.
  EXPECT_EQ(graded.at(id + "2").sev, "SEV2");
  EXPECT_EQ(graded.at(id + "2").change_id, "");
  // Admin policy attached by terraform inside the window, then again after it closed.
  EXPECT_EQ(graded.at(id + "3").sev, "SEV4");
  EXPECT_EQ(graded.at(id + "3").change_id, "CHG-1042");
  EXPECT_EQ(graded.at(id + "4").sev, "SEV1");
  EXPECT_EQ(graded.at(id + "4").change_id, "");
  // Access key created in a session named after an approved ticket.
  EXPECT_EQ(graded.at(id + "5").sev, "SEV4");
  EXPECT_EQ(graded.at(id + "5").change_id, "CHG-2001");
  std::filesystem::remove_all(dir);
}

TEST(ChangeApprovalReplay, WithoutApprovedChangesEveryMutationKeepsItsSeverity) {
  const std::string dir = make_temp_dir("changes");
  const auto graded = replay_graded(dir, {});
  ASSERT_EQ(graded.size(), 5u);
  for (const auto& [event_id, g] : graded) {
    EXPECT_NE(g.sev, "SEV4") << event_id;
    EXPECT_EQ(g.change_id, "") << event_id;
  }
  std::filesystem::remove_all(dir);
}

TEST(ChangeApprovalReplay, BadChangeConfigFailsWithFileAndLine) {
  const std::string dir = make_temp_dir("changes");
  write_file(dir + "/tripline.yaml", R"(rules:
  severity:
    changes:
      approved:
        - id: CHG-1
          start: not-a-time
          end: 2026-11-23T11:00:00Z
)");
  const std::string out = dir + "/out.jsonl", err = dir + "/err.log";
  AgentProcess p({"replay", "--no-progress", "--config", dir + "/tripline.yaml", "--rules",
                  std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/aws_iam_identity_created.yml",
                  std::string(TRIPLINE_FIXTURES_DIR) + "/cloudtrail/iam_change_window.json"},
                 out, err);
  EXPECT_EQ(p.wait(), 1);
  EXPECT_NE(read_file(err).find("tripline.yaml:6"), std::string::npos) << read_file(err);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tripline
