#include "collectors/k8s/event_list.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

const std::string kEvent1 =
    R"({"level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get"})";
const std::string kEvent2 = R"({"level":"Request","auditID":"a2","stage":"ResponseComplete"})";

TEST(AuditEventList, SplitsAnApiServerEventListIntoMinifiedEvents) {
  const std::string body = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},"
                           "\"items\":[ " + kEvent1 + " ,\n " + kEvent2 + "]}";
  AuditBatch b = split_audit_body(body);
  EXPECT_EQ(b.error, "");
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.events[0], kEvent1);
  EXPECT_EQ(b.rejected, 0u);
}

TEST(AuditEventList, ItemsThatAreNotAuditEventsAreRejectedAndTheRestKept) {
  const std::string body = "{\"kind\":\"EventList\",\"items\":[" + kEvent1 +
                           ",42,{\"no\":\"auditID\"},\"x\"," + kEvent2 + "]}";
  AuditBatch b = split_audit_body(body);
  EXPECT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.rejected, 3u);
  EXPECT_NE(b.error, "");
}

// A body cut short is not JSON at all (the HTTP layer already checked its length, so this is a
// broken client): it is refused whole and the client told so.
TEST(AuditEventList, BodyBrokenMidwayIsAnErrorNotACrash) {
  const std::string body = "{\"kind\":\"EventList\",\"items\":[" + kEvent1 + "," + kEvent2 +
                           ",{\"auditID\":\"a3\",\"verb\":";
  AuditBatch b = split_audit_body(body);
  EXPECT_TRUE(b.events.empty());
  EXPECT_NE(b.error, "");
}

// Found by fuzz_k8s_event_list: the items were kept although what followed them was not JSON.
TEST(AuditEventList, BodyBrokenAfterTheItemsIsRejectedWhole) {
  const std::string body = "{\"items\":[" + kEvent1 + "],\"kind\":<<<\"EventList\"}";
  AuditBatch b = split_audit_body(body);
  EXPECT_TRUE(b.events.empty());
  EXPECT_NE(b.error, "");
}

TEST(AuditEventList, SingleEventObjectIsAccepted) {
  AuditBatch b = split_audit_body(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x"})");
  EXPECT_EQ(b.error, "");
  EXPECT_EQ(b.events.size(), 1u);
}

TEST(AuditEventList, NonJsonAndForeignDocumentsAreErrors) {
  EXPECT_NE(split_audit_body("hello").error, "");
  EXPECT_NE(split_audit_body("[1,2]").error, "");
  EXPECT_NE(split_audit_body(R"({"kind":"PodList","metadata":{}})").error, "");
  EXPECT_NE(split_audit_body(R"({"kind":"EventList","items":{}})").error, "");
  EXPECT_TRUE(split_audit_body(R"({"kind":"EventList","items":[]})").events.empty());
  EXPECT_EQ(split_audit_body(R"({"kind":"EventList","items":[]})").error, "");
}

}  // namespace
}  // namespace tripline
