#include "core/alert.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace tripline {
namespace {

std::shared_ptr<InputInfo> input() {
  auto in = std::make_shared<InputInfo>();
  in->name = "ct";
  in->host = "h1";
  in->logsource = {"aws", "cloudtrail", ""};
  in->static_fields = {{"env", "prod"}};
  return in;
}

TEST(AlertTest, SerializesEveryRequiredKey) {
  Event e(input(), R"({"eventID":"e-1","traceId":"t-9","eventName":"CreateUser"})");
  e.set_body(Event::Body::kJson);
  Alert a = alert_from_event(e, "rule-1");
  a.title = "x";
  a.sev = Sev::kSev1;
  a.level = "high";
  const std::string json = a.to_json();
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(json).get(doc), simdjson::SUCCESS) << json;
  for (const char* key : {"alert_id", "rule_id", "title", "sev", "level", "time", "host", "source",
                          "logsource", "group", "count", "tags", "events", "trace_id"}) {
    EXPECT_FALSE(doc[key].error()) << key;
  }
  EXPECT_EQ(std::string_view(doc["sev"]), "SEV1");
  EXPECT_EQ(std::string_view(doc["trace_id"]), "t-9");
  EXPECT_EQ(std::string_view(doc["logsource"]["product"]), "aws");
  EXPECT_EQ(std::string_view(doc["events"].at(0)["eventName"]), "CreateUser");
}

TEST(AlertTest, AlertIdIsStablePerRuleAndEventIdentity) {
  Event e1(input(), R"({"eventID":"same"})");
  e1.set_body(Event::Body::kJson);
  Event e2(input(), R"({"eventID":"same","other":1})");
  e2.set_body(Event::Body::kJson);
  EXPECT_EQ(alert_from_event(e1, "r").alert_id, alert_from_event(e2, "r").alert_id);
  EXPECT_NE(alert_from_event(e1, "r").alert_id, alert_from_event(e1, "r2").alert_id);
}

TEST(AlertTest, TextEventsUsePositionForIdentity) {
  Event a(input(), "line");
  a.set_position({"/var/log/auth.log", 10, 15});
  Event b(input(), "line");
  b.set_position({"/var/log/auth.log", 20, 25});
  EXPECT_NE(alert_from_event(a, "r").alert_id, alert_from_event(b, "r").alert_id);
}

// A tailed file's generation, not its path, names its lines: the same offset after a truncation
// is another line, and the same line read again under the file's rotated name is the same one.
TEST(AlertTest, FileGenerationRatherThanPathIdentifiesALine) {
  Event before(input(), "line");
  before.set_position({"/var/log/app.log", 10, 15, "2049:77:aaaa"});
  Event renamed(input(), "line");
  renamed.set_position({"/var/log/app.log.1", 10, 15, "2049:77:aaaa"});
  Event truncated(input(), "line");
  truncated.set_position({"/var/log/app.log", 10, 15, "2049:77:bbbb"});
  EXPECT_EQ(alert_from_event(before, "r").alert_id, alert_from_event(renamed, "r").alert_id);
  EXPECT_NE(alert_from_event(before, "r").alert_id, alert_from_event(truncated, "r").alert_id);
}

TEST(AlertTest, MalformedJsonBodyIsEmbeddedAsMessage) {
  Event e(input(), R"({"a": [1, 2})");
  e.set_body(Event::Body::kJson);
  const std::string rendered = render_event_json(e);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(rendered).get(doc), simdjson::SUCCESS) << rendered;
  EXPECT_EQ(std::string_view(doc["message"]), R"({"a": [1, 2})");
}

TEST(AlertTest, ParsesSevNames) {
  EXPECT_EQ(parse_sev("SEV0"), Sev::kSev0);
  EXPECT_EQ(parse_sev("sev3"), Sev::kSev3);
  EXPECT_EQ(parse_sev("4"), Sev::kSev4);
  EXPECT_FALSE(parse_sev("SEV5"));
  EXPECT_FALSE(parse_sev("high"));
}

}  // namespace
}  // namespace tripline

namespace tripline {
namespace {

TEST(AlertRenderTest, TextEventKeepsOriginalLineAndOneMessageKey) {
  Event e(std::make_shared<InputInfo>(), "Nov 23 08:49:01 h sshd[1]: Failed password");
  e.set_field("message", "Failed password");
  e.set_field("user.name", "root");
  const std::string json = render_event_json(e);
  EXPECT_EQ(json.find("\"message\""), json.rfind("\"message\"")) << json;
  EXPECT_NE(json.find("\"event.original\":\"Nov 23"), std::string::npos) << json;
  EXPECT_NE(json.find("\"user.name\":\"root\""), std::string::npos) << json;
}

}  // namespace
}  // namespace tripline
