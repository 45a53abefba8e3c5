#include "core/event.h"

#include <gtest/gtest.h>

#include <string>

#include "core/alert.h"

namespace tripline {
namespace {

Event json_event(std::string_view raw) {
  auto input = std::make_shared<InputInfo>();
  input->name = "test";
  input->static_fields = {{"env", "prod"}};
  Event e(input, raw);
  e.set_body(Event::Body::kJson);
  return e;
}

TEST(EventTest, ReadsNestedFieldsByDottedPath) {
  Event e = json_event(R"({"a":{"b":[{"c":"deep"},{"c":"second"}]},"n":42,"t":true,"z":null})");
  ASSERT_NE(e.find("a.b.0.c"), nullptr);
  EXPECT_EQ(e.find("a.b.0.c")->text, "deep");
  EXPECT_EQ(e.text("a.b.1.c"), "second");
  EXPECT_EQ(e.find("n")->type, FieldType::kNumber);
  EXPECT_EQ(e.find("n")->text, "42");
  EXPECT_EQ(e.find("t")->text, "true");
  EXPECT_TRUE(e.find("z")->is_null());
  EXPECT_EQ(e.find("a.b")->type, FieldType::kArray);
  EXPECT_EQ(e.find("missing"), nullptr);
  EXPECT_EQ(e.find("a.b.7.c"), nullptr);
}

TEST(EventTest, FallsBackToFlattenedDottedKeys) {
  Event e = json_event(R"({"user.name":"alice"})");
  EXPECT_EQ(e.text("user.name"), "alice");
}

TEST(EventTest, UnescapesStrings) {
  Event e = json_event(R"({"m":"line\nnext \u00e9"})");
  EXPECT_EQ(e.text("m"), "line\nnext \xc3\xa9");
}

TEST(EventTest, StaticEnrichmentFieldsAreVisible) {
  Event e = json_event(R"({"x":1})");
  EXPECT_EQ(e.text("env"), "prod");
}

TEST(EventTest, ParsedFieldsOverrideAndAreListed) {
  auto input = std::make_shared<InputInfo>();
  Event e(input, "Failed password for root");
  e.set_field("user.name", "root");
  EXPECT_EQ(e.text("user.name"), "root");
  ASSERT_EQ(e.parsed_fields().size(), 1u);
  EXPECT_EQ(e.find("source.ip"), nullptr);
}

TEST(EventTest, MalformedJsonIsFlaggedNotThrown) {
  Event e = json_event(R"({"a": "unterminated)");
  EXPECT_EQ(e.find("a"), nullptr);
  EXPECT_TRUE(e.json_error());
}

TEST(EventTest, InterleavedLookupsOnTwoEventsStayCorrect) {
  Event a = json_event(R"({"k":"from-a"})");
  Event b = json_event(R"({"k":"from-b","j":"jb"})");
  EXPECT_EQ(a.text("k"), "from-a");
  EXPECT_EQ(b.text("k"), "from-b");
  Event a_copy = a;
  EXPECT_EQ(a_copy.text("k"), "from-a");
  EXPECT_EQ(b.text("j"), "jb");
}

TEST(EventTest, FieldPathEscapesPointerCharacters) {
  FieldPath p("a~b.c/d");
  EXPECT_EQ(p.json_pointer, "/a~0b/c~1d");
}

TEST(EventTest, ResetLeavesNothingOfThePreviousRecord) {
  auto in = std::make_shared<InputInfo>();
  in->name = "auth";
  in->logsource = {"linux", "auth", ""};
  in->static_fields = {{"env", "prod"}};
  Event e(in, R"({"a":{"b":1}})");
  e.set_body(Event::Body::kJson);
  ASSERT_NE(e.find(FieldPath("a.b")), nullptr);
  for (int i = 0; i < 40; ++i) e.set_field_text("f" + std::to_string(i), "value");
  e.set_logsource({"linux", "sshd", ""});
  e.set_event_time(Clock::now());
  e.set_position("/var/log/auth.log", 10, 20);
  (void)shared_event_json(e);

  e.reset(in, "plain line");
  EXPECT_EQ(e.raw(), "plain line");
  EXPECT_EQ(e.body(), Event::Body::kText);
  EXPECT_EQ(e.find("a.b"), nullptr);
  EXPECT_EQ(e.find("f3"), nullptr);
  EXPECT_TRUE(e.parsed_fields().empty());
  EXPECT_EQ(e.logsource().service, "auth");
  EXPECT_EQ(e.event_time(), TimePoint{});
  EXPECT_TRUE(e.position().origin.empty());
  EXPECT_FALSE(e.cached_rendering());
  EXPECT_EQ(e.text("env"), "prod");
}

TEST(EventTest, SetFieldTextOverridesInPlaceAndKeepsEarlierReferences) {
  Event e(nullptr, "line");
  e.set_field_text("user.name", "alice");
  const FieldValue* user = e.find("user.name");
  ASSERT_NE(user, nullptr);
  for (int i = 0; i < 40; ++i) e.set_field_text("x" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(user->text, "alice") << "adding fields must not move earlier ones";
  e.set_field_text("user.name", "bob");
  EXPECT_EQ(user->text, "bob");
  e.set_field_text("source.port", "22", FieldType::kNumber);
  EXPECT_EQ(e.find("source.port")->type, FieldType::kNumber);
  EXPECT_EQ(e.parsed_fields().size(), 42u);
  EXPECT_EQ(e.parsed_fields()[0].first, "user.name");
}

TEST(EventTest, ACopyOfAResetEventHoldsOnlyItsLiveFields) {
  Event e(nullptr, "one");
  for (int i = 0; i < 20; ++i) e.set_field_text("old" + std::to_string(i), "v");
  e.reset(nullptr, "two");
  e.set_field_text("new", "n");
  const Event copy = e;
  EXPECT_EQ(copy.parsed_fields().size(), 1u);
  EXPECT_EQ(copy.text("new"), "n");
  EXPECT_EQ(copy.find("old1"), nullptr);
}

TEST(EventTest, EveryFieldOfAManyFieldEventIsFoundAndNoOtherAfterReset) {
  // More names than the 64-bit presence filter has bits: some must share one, and a shared bit
  // may only cost a scan, never a wrong answer.
  Event e(nullptr, "many");
  for (int i = 0; i < 200; ++i) e.set_field_text("f." + std::to_string(i), std::to_string(i));
  for (int i = 0; i < 200; ++i) {
    const FieldValue* v = e.find("f." + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(v->text, std::to_string(i));
  }
  EXPECT_EQ(e.find("f.200"), nullptr);
  e.set_field_text("f.7", "seven");  // overrides, does not add
  EXPECT_EQ(e.parsed_fields().size(), 200u);
  EXPECT_EQ(e.text("f.7"), "seven");
  e.reset(nullptr, "next");
  for (int i = 0; i < 200; ++i) EXPECT_EQ(e.find("f." + std::to_string(i)), nullptr) << i;
  e.set_field_text("f.3", "three");
  EXPECT_EQ(e.parsed_fields().size(), 1u);
  EXPECT_EQ(e.text("f.3"), "three");
}

TEST(EventTest, AReusedSlotTakesTheNewNameWhenOnlyItsTailDiffers) {
  // Same length and same first 8 bytes: the names share a tag, only the tail tells them apart.
  Event e(nullptr, "one");
  e.set_field_text("source.ip", "1");
  e.set_field_text("user", "u");
  e.reset(nullptr, "two");
  e.set_field_text("source.iq", "2");
  e.set_field_text("usex", "x");
  EXPECT_EQ(e.find("source.ip"), nullptr);
  EXPECT_EQ(e.find("user"), nullptr);
  EXPECT_EQ(e.text("source.iq"), "2");
  EXPECT_EQ(e.text("usex"), "x");
  ASSERT_EQ(e.parsed_fields().size(), 2u);
  EXPECT_EQ(e.parsed_fields()[0].first, "source.iq");
  EXPECT_EQ(e.parsed_fields()[1].first, "usex");
}

}  // namespace
}  // namespace tripline
