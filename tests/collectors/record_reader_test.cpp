#include "collectors/record_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "tests/support/file_util.h"

namespace tripline {
namespace {

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

using testing::write_file;

void write_gz(const std::string& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
}

std::vector<std::string> read_all(RecordReader& r) {
  std::vector<std::string> out;
  RecordReader::Record rec;
  while (r.next(rec)) out.emplace_back(rec.bytes);
  return out;
}

TEST(RecordReaderTest, SplitsLinesAndKeepsLastLineWithoutNewline) {
  write_file(temp_path("a.log"), "one\r\ntwo\n\nthree");
  std::string err;
  auto r = RecordReader::open(temp_path("a.log"), err);
  ASSERT_TRUE(r) << err;
  EXPECT_EQ(read_all(*r), (std::vector<std::string>{"one", "two", "three"}));
}

TEST(RecordReaderTest, ReadsGzipTransparently) {
  std::string content;
  for (int i = 0; i < 100000; ++i) content += "{\"seq\":" + std::to_string(i) + "}\n";
  write_gz(temp_path("b.jsonl.gz"), content);
  std::string err;
  auto r = RecordReader::open(temp_path("b.jsonl.gz"), err);
  ASSERT_TRUE(r);
  auto lines = read_all(*r);
  ASSERT_EQ(lines.size(), 100000u);
  EXPECT_EQ(lines[99999], "{\"seq\":99999}");
  EXPECT_EQ(r->bytes_read(), content.size());
}

TEST(RecordReaderTest, TruncatesOverlongLinesAndResynchronises) {
  write_file(temp_path("c.log"), std::string(5000, 'x') + "\nshort\n");
  std::string err;
  auto r = RecordReader::open(temp_path("c.log"), err, 1000);
  RecordReader::Record rec;
  ASSERT_TRUE(r->next(rec));
  EXPECT_EQ(rec.bytes.size(), 1000u);
  EXPECT_TRUE(rec.truncated);
  ASSERT_TRUE(r->next(rec));
  EXPECT_EQ(rec.bytes, "short");
  EXPECT_FALSE(rec.truncated);
  EXPECT_FALSE(r->next(rec));
}

// The buffer starts small and grows: lines longer than any early buffer size, but within the
// limit, still come out whole, next to short ones, in plain and gzip files.
TEST(RecordReaderTest, LinesLongerThanTheFirstBufferComeOutWhole) {
  std::string content;
  for (size_t len : {10u, 20000u, 5u, 300000u, 700000u, 7u})
    content += std::string(len, 'a') + "\n";
  for (const std::string name : {"grow.log", "grow.log.gz"}) {
    name.ends_with(".gz") ? write_gz(temp_path(name), content)
                          : write_file(temp_path(name), content);
    std::string err;
    auto r = RecordReader::open(temp_path(name), err);
    ASSERT_TRUE(r) << err;
    std::vector<size_t> sizes;
    RecordReader::Record rec;
    while (r->next(rec)) {
      EXPECT_FALSE(rec.truncated) << name;
      sizes.push_back(rec.bytes.size());
    }
    EXPECT_EQ(sizes, (std::vector<size_t>{10, 20000, 5, 300000, 700000, 7})) << name;
  }
}

TEST(RecordReaderTest, SplitsCloudTrailRecordsIntoMinifiedDocuments) {
  write_file(
      temp_path("ct.json"),
      "{\"Records\": [\n {\"eventName\": \"A\"},\n {\"eventName\": \"B\", \"x\": [1, 2]}\n]}");
  std::string err;
  auto r = RecordReader::open(temp_path("ct.json"), err);
  SniffResult s = sniff_format(r->head());
  EXPECT_EQ(s.format, "cloudtrail");
  r->set_framing(s.framing, s.array_key);
  EXPECT_EQ(read_all(*r),
            (std::vector<std::string>{R"({"eventName":"A"})", R"({"eventName":"B","x":[1,2]})"}));
}

TEST(RecordReaderTest, ConcatenatedRecordsDocumentsAreAllRead) {
  // Delivery files joined with `cat` for a replay: the second document's records are not lost.
  write_file(temp_path("two.json"),
             "{\"Records\": [{\"eventName\": \"A\"}]}\n{\"Records\": [{\"eventName\": \"B\"},"
             " {\"eventName\": \"C\"}]}\n");
  std::string err;
  auto r = RecordReader::open(temp_path("two.json"), err);
  r->set_framing(Framing::kRecordsArray, "Records");
  EXPECT_EQ(read_all(*r), (std::vector<std::string>{R"({"eventName":"A"})", R"({"eventName":"B"})",
                                                    R"({"eventName":"C"})"}));
  EXPECT_TRUE(r->error().empty()) << r->error();
}

TEST(RecordReaderTest, JunkAfterARecordsDocumentKeepsItsRecordsAndReportsError) {
  write_file(temp_path("junk.json"), "{\"Records\": [{\"eventName\": \"A\"}]}\nnot json at all");
  std::string err;
  auto r = RecordReader::open(temp_path("junk.json"), err);
  r->set_framing(Framing::kRecordsArray, "Records");
  EXPECT_EQ(read_all(*r), (std::vector<std::string>{R"({"eventName":"A"})"}));
  EXPECT_FALSE(r->error().empty());
}

TEST(RecordReaderTest, BrokenRecordsDocumentReportsError) {
  write_file(temp_path("bad.json"), "{\"Records\": [ {\"a\": 1}, {\"b\": ");
  std::string err;
  auto r = RecordReader::open(temp_path("bad.json"), err);
  r->set_framing(Framing::kRecordsArray, "Records");
  read_all(*r);
  EXPECT_FALSE(r->error().empty());
}

TEST(RecordReaderTest, MissingFileFailsToOpen) {
  std::string err;
  EXPECT_FALSE(RecordReader::open(temp_path("nope"), err));
  EXPECT_FALSE(err.empty());
}

TEST(FormatSnifferTest, RecognisesEachFormat) {
  EXPECT_EQ(sniff_format("Nov 23 08:49:01 h sshd[1]: x").format, "syslog");
  EXPECT_EQ(sniff_format("{\"a\":1}\n").format, "jsonl");
  EXPECT_EQ(sniff_format("{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\","
                         "\"awsRegion\":\"us-east-1\"}\n")
                .logsource.product,
            "aws");
  EXPECT_EQ(sniff_format("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}\n").format,
            "k8s-audit");
  SniffResult list = sniff_format("{\"kind\": \"EventList\", \"items\": []}");
  EXPECT_EQ(list.framing, Framing::kRecordsArray);
  EXPECT_EQ(list.array_key, "items");
  EXPECT_EQ(sniff_format("{\"protoPayload\":{\"@type\":\"type.googleapis.com/"
                         "google.cloud.audit.AuditLog\"}}")
                .format,
            "gcp-audit");
}

}  // namespace
}  // namespace tripline
