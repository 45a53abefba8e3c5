#include "collectors/parsers/jsonl_parser.h"

#include <gtest/gtest.h>

#include "core/time_util.h"

namespace tripline {
namespace {

Event parsed(std::string_view raw, bool* ok = nullptr, std::vector<std::string> time_fields = {}) {
  Event e(std::make_shared<InputInfo>(), raw);
  JsonlParser parser(std::move(time_fields));
  const bool result = parser.parse(e);
  if (ok) *ok = result;
  return e;
}

TEST(JsonlParserTest, TakesEventTimeFromCloudTrailEventTime) {
  bool ok = false;
  Event e = parsed(R"({"eventTime":"2020-09-22T14:06:51Z","eventName":"X"})", &ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(format_rfc3339(e.event_time()), "2020-09-22T14:06:51Z");
  EXPECT_EQ(e.text("eventName"), "X");
}

TEST(JsonlParserTest, UsesConfiguredTimeFieldAndEpochNumbers) {
  Event e = parsed(R"({"at":1600783611000})", nullptr, {"at"});
  EXPECT_EQ(format_rfc3339(e.event_time()), "2020-09-22T14:06:51Z");
}

// Found by fuzz_event_fields: converting 1.2e16 s to the clock's 64-bit nanoseconds overflowed.
TEST(JsonlParserTest, EpochNumbersBeyondTheClockRangeAreSkippedForTheNextTimeField) {
  bool ok = false;
  Event e = parsed(R"({"timestamp":12345678901234567890,"time":"2020-09-22T14:06:51Z"})", &ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(format_rfc3339(e.event_time()), "2020-09-22T14:06:51Z");
  Event alone = parsed(R"({"at":1e300})", &ok, {"at"});
  EXPECT_TRUE(ok);
  EXPECT_EQ(alone.event_time(), TimePoint{});
}

// Found by fuzz_event_fields: scanning a malformed body for a flattened "a.b" key left simdjson's
// iterator without a parser, and the next lookup rewound it (a null dereference).
TEST(JsonlParserTest, MalformedBodyFoundByAFlattenedKeyLookupIsAJsonErrorNotACrash) {
  Event e = parsed(
      "{\"eventVersion\":\"1.08\",\"eventID\":\"e1\",\"eventTime\":\"2026-01-01T00:00:00Z\","
      "\"eventName\":\"AttachUserPolicy\",\"userIdentity\":{\"type\":\"Root\",\"sess\xe9onContext\":"
      "{\"attributes\":{\"mfaAuthenticated\":\"false\"}}},\"requestParameters\":{\"policyDocument\":"
      "\"{\\\"Statement\\\":[]}\"},\"resources\":[,\"ARN\":\"arn:aws:iam::0:user/bob\"}]}");
  for (const char* path : {"eventName", "userIdentity.type",
                           "userIdentity.sessionContext.attributes.mfaAuthenticated",
                           "requestParameters.policyDocument", "resources.0.ARN", "items.1.auditID",
                           "a.b.0.c", "0", "user.name", "objectRef.resource", "eventName"}) {
    e.find(path);
  }
  EXPECT_TRUE(e.json_error());
}

TEST(JsonlParserTest, NonObjectLinesAreParseErrorsButStayEvents) {
  bool ok = true;
  Event e = parsed("not json at all", &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(e.body(), Event::Body::kText);
  EXPECT_EQ(e.raw(), "not json at all");
  parsed(R"({"a": )", &ok);
  EXPECT_FALSE(ok);
}

TEST(JsonlParserTest, InvalidUtf8IsRepairedAndTheRecordStillReadable) {
  bool ok = false;
  Event e = parsed("{\"user\":\"bad\xff\",\"action\":\"login\"}", &ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(e.text("action"), "login");
  EXPECT_EQ(e.text("user"), "bad\xEF\xBF\xBD");
}

}  // namespace
}  // namespace tripline
