#include "core/event_rendering.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/alert.h"

namespace tripline {
namespace {

std::shared_ptr<InputInfo> auth_input() {
  auto in = std::make_shared<InputInfo>();
  in->name = "auth";
  in->host = "h1";
  in->logsource = {"linux", "auth", ""};
  return in;
}

Event sshd_event() {
  Event e(auth_input(), "Jan 15 10:00:00 web1 sshd[4100]: Failed password for r\"oot\x01 from 1.2.3.4");
  e.set_field("host.hostname", std::string("web1"));
  e.set_field("message", std::string("Failed password for r\"oot\x01 from 1.2.3.4"));
  e.set_field("user.name", std::string("r\"oot\x01"));
  e.set_field("source.ip", FieldValue{FieldType::kString, "1.2.3.4"});
  return e;
}

TEST(EventRenderingTest, DeferredTextEventRendersTheSameBytesAsRenderEventJson) {
  const Event e = sshd_event();
  const auto r = EventRendering::capture(e);
  EXPECT_FALSE(e.cached_rendering()) << "capturing a text event must not render it";
  EXPECT_EQ(r->json(), render_event_json(e));
}

TEST(EventRenderingTest, TextEventWithoutMessageFieldGetsTheLineAsMessage) {
  Event e(auth_input(), "some line");
  e.set_field("x", std::string("y"));
  EXPECT_EQ(EventRendering::capture(e)->json(), render_event_json(e));
  EXPECT_NE(render_event_json(e).find(R"("message":"some line")"), std::string::npos);
}

TEST(EventRenderingTest, KeepsTheEventAsCapturedWhenTheEventChangesLater) {
  Event e = sshd_event();
  const std::string before = render_event_json(e);
  const auto r = EventRendering::capture(e);
  e.set_field("user.name", std::string("someone else"));
  e.replace_raw("another line");
  EXPECT_EQ(r->json(), before);
}

TEST(EventRenderingTest, UsesTheRenderingCachedOnTheEvent) {
  const Event e = sshd_event();
  const auto cached = shared_event_json(e);
  const auto r = EventRendering::capture(e);
  EXPECT_EQ(&r->json(), cached.get());
}

TEST(EventRenderingTest, JsonBodyIsRenderedMinifiedAtCapture) {
  Event e(auth_input(), R"({ "eventName" : "CreateUser" })");
  e.set_body(Event::Body::kJson);
  const auto r = EventRendering::capture(e);
  EXPECT_TRUE(e.cached_rendering());
  EXPECT_EQ(r->json(), R"({"eventName":"CreateUser"})");
}

TEST(EventRenderingTest, FromJsonKeepsTheDocument) {
  EXPECT_EQ(EventRendering::from_json(R"({"a":1})")->json(), R"({"a":1})");
}

TEST(EventRenderingTest, MemoryBytesDoNotChangeWhenRendered) {
  const auto r = EventRendering::capture(sshd_event());
  const size_t before = r->memory_bytes();
  EXPECT_GT(before, sizeof(EventRendering));
  r->json();
  EXPECT_EQ(r->memory_bytes(), before);
}

TEST(EventRenderingTest, ConcurrentFirstUseRendersOnce) {
  const Event e = sshd_event();
  const std::string expected = render_event_json(e);
  const auto r = EventRendering::capture(e);
  std::vector<const std::string*> seen(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] { seen[i] = &r->json(); });
  }
  for (auto& t : threads) t.join();
  for (const std::string* s : seen) {
    EXPECT_EQ(s, seen[0]);
    EXPECT_EQ(*s, expected);
  }
}

}  // namespace
}  // namespace tripline
