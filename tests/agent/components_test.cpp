#include "agent/components.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

std::vector<std::string> alert_ids_in(const std::string& path) {
  std::vector<std::string> ids;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const size_t start = line.find("\"alert_id\":\"") + 12;
    ids.push_back(line.substr(start, line.find('"', start) - start));
  }
  return ids;
}

// An output's min_sev keeps less urgent alerts off it; an output without one gets everything.
TEST(BuildSinks, OutputMinSevFiltersThatOutputOnly) {
  testing::TempDir tmp;
  Diagnostics diags;
  const Config config = load_config_text("agent: { state_dir: " + tmp.path() + " }\n" +
                                             "outputs:\n"
                                             "  - { name: all, type: file, path: " +
                                             (tmp / "all.jsonl") +
                                             " }\n"
                                             "  - { name: urgent, type: file, min_sev: SEV1, path: " +
                                             (tmp / "urgent.jsonl") + " }\n",
                                         "t.yaml", diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items[0].to_string();
  auto sinks = build_sinks(config, tmp.path(), diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items[0].to_string();
  ASSERT_EQ(sinks.size(), 2u);
  EXPECT_EQ(sinks[1]->name(), "urgent");

  auto alerts = testing::make_alerts(0, 4);
  alerts[0].sev = Sev::kSev4;
  alerts[1].sev = Sev::kSev1;
  alerts[2].sev = Sev::kSev2;
  alerts[3].sev = Sev::kSev0;
  for (auto& sink : sinks) {
    EXPECT_TRUE(sink->deliver(alerts));
    sink->close();
  }
  EXPECT_EQ(alert_ids_in(tmp / "all.jsonl"),
            (std::vector<std::string>{"alert-0", "alert-1", "alert-2", "alert-3"}));
  EXPECT_EQ(alert_ids_in(tmp / "urgent.jsonl"), (std::vector<std::string>{"alert-1", "alert-3"}));
}

}  // namespace
}  // namespace tripline
