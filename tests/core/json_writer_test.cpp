#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace tripline {
namespace {

bool is_valid_json(const std::string& s) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(s).get(e) == simdjson::SUCCESS;
}

TEST(JsonWriterTest, WritesNestedObjectsWithCommas) {
  JsonWriter w;
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").value(true).null();
  w.end_array().key("c").begin_object().end_object().end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null],"c":{}})");
}

TEST(JsonWriterTest, EscapesControlCharactersAndQuotes) {
  JsonWriter w;
  w.value(std::string_view("a\"b\\c\n\t\x01", 8));
  EXPECT_EQ(w.str(), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8SoOutputStaysValidJson) {
  JsonWriter w;
  w.begin_object().key("m").value(std::string_view("ok \xff\xfe \xc3\xa9 \xe2\x82", 11)).end_object();
  EXPECT_TRUE(is_valid_json(w.str())) << w.str();
  EXPECT_NE(w.str().find("\xc3\xa9"), std::string::npos);  // valid é is kept
  EXPECT_NE(w.str().find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(JsonWriterTest, RejectsOverlongAndSurrogateEncodings) {
  JsonWriter w;
  w.value(std::string_view("\xc0\xaf\xed\xa0\x80", 5));
  EXPECT_EQ(w.str().find("\xc0"), std::string::npos);
  EXPECT_TRUE(is_valid_json(w.str()));
}

TEST(JsonWriterTest, NonFiniteNumbersBecomeNull) {
  JsonWriter w;
  w.begin_array().value(1.0 / 0.0).value(0.5).end_array();
  EXPECT_EQ(w.str(), "[null,0.5]");
}


// Plain runs are copied a word at a time: every byte that needs escaping (or UTF-8 checking)
// must still be caught wherever it falls in a word, next to plain bytes on both sides.
TEST(JsonWriterTest, EscapesEveryByteWhereverItFallsInALongString) {
  const auto expected_escape = [](unsigned char c) -> std::string {
    switch (c) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      case '\b': return "\\b";
      case '\f': return "\\f";
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      return buf;
    }
    if (c >= 0x80) return "\xEF\xBF\xBD";  // a lone byte is invalid UTF-8
    return std::string(1, static_cast<char>(c));
  };
  for (int c = 0; c < 256; ++c) {
    for (size_t pos = 0; pos < 19; ++pos) {
      std::string in(19, 'a');
      in[pos] = static_cast<char>(c);
      std::string out;
      JsonWriter::append_escaped(out, in);
      const std::string want = "\"" + std::string(pos, 'a') +
                               expected_escape(static_cast<unsigned char>(c)) +
                               std::string(18 - pos, 'a') + "\"";
      ASSERT_EQ(out, want) << "byte " << c << " at " << pos;
    }
  }
}

// Short keys and values take a one-append path when they need no escaping: what it writes (the
// comma, the quotes, a key's colon) must be byte for byte what the escaping path writes, for
// every byte anywhere in strings on both sides of the length that path takes.
TEST(JsonWriterTest, ShortKeysAndValuesWriteWhatTheEscapingPathWrites) {
  for (size_t len : {0, 1, 7, 8, 9, 55, 56, 57, 64}) {
    for (size_t pos = 0; pos < std::max<size_t>(len, 1); ++pos) {
      for (int c = 0; c < 256; ++c) {
        std::string text(len, 'k');
        if (len) text[pos] = static_cast<char>(c);
        JsonWriter w;
        w.begin_object().key("first").value(text).key(text).value(len).end_object();
        std::string escaped;
        JsonWriter::append_escaped(escaped, text);
        const std::string want = "{\"first\":" + escaped + "," + escaped + ":" +
                                 std::to_string(len) + "}";
        ASSERT_EQ(w.str(), want) << "byte " << c << " at " << pos << " of " << len;
        if (!len) break;
      }
    }
  }
}

}  // namespace
}  // namespace tripline
