#include "collectors/checkpoint_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "collectors/tail/fingerprint.h"
#include "core/metrics.h"
#include "tail_test_support.h"

namespace tripline {
namespace {

using testing_support::read_all;
using testing_support::TempDir;
using testing_support::write_file;

std::vector<FileCheckpoint> sample() {
  FileCheckpoint a{"/var/log/app.log", 2049, 1234, 10, fingerprint_hash("0123456789"), 4096};
  FileCheckpoint b{"", 2049, 99, 0, fingerprint_hash(""), 0};
  return {a, b};
}

TEST(CheckpointStoreTest, SavedCheckpointLoadsBackIdentically) {
  TempDir dir;
  CheckpointStore store(dir.path(), "app");
  ASSERT_TRUE(store.save(sample()));
  EXPECT_EQ(store.file(), dir.path() + "/checkpoints/app.json");
  std::vector<FileCheckpoint> loaded;
  EXPECT_EQ(store.load(loaded), CheckpointStore::LoadResult::kLoaded);
  EXPECT_EQ(loaded, sample());
  // Nothing half-written is left next to it.
  EXPECT_FALSE(std::filesystem::exists(store.file() + ".tmp"));
  struct stat st;
  ASSERT_EQ(::stat(store.file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(CheckpointStoreTest, PathThatIsNotUtf8SurvivesExactly) {
  TempDir dir;
  CheckpointStore store(dir.path(), "raw");
  std::vector<FileCheckpoint> files = sample();
  files[0].path = std::string("/var/log/\xff\xfe\x01.log");
  ASSERT_TRUE(store.save(files));
  std::vector<FileCheckpoint> loaded;
  ASSERT_EQ(store.load(loaded), CheckpointStore::LoadResult::kLoaded);
  EXPECT_EQ(loaded[0].path, files[0].path);
}

TEST(CheckpointStoreTest, MissingFileIsNotAnError) {
  TempDir dir;
  CheckpointStore store(dir.path(), "none");
  std::vector<FileCheckpoint> loaded;
  const double before = Metrics::global().checkpoint_errors("none").Value();
  EXPECT_EQ(store.load(loaded), CheckpointStore::LoadResult::kMissing);
  EXPECT_EQ(Metrics::global().checkpoint_errors("none").Value(), before);
}

TEST(CheckpointStoreTest, CorruptFileIsReportedAndCounted) {
  TempDir dir;
  CheckpointStore store(dir.path(), "corrupt-store");
  std::filesystem::create_directories(dir.path() + "/checkpoints");
  write_file(store.file(), "\x00\x13garbage{{{");
  std::vector<FileCheckpoint> loaded;
  const double before = Metrics::global().checkpoint_errors("corrupt-store").Value();
  EXPECT_EQ(store.load(loaded), CheckpointStore::LoadResult::kCorrupt);
  EXPECT_TRUE(loaded.empty());
  EXPECT_EQ(Metrics::global().checkpoint_errors("corrupt-store").Value(), before + 1);
}

TEST(CheckpointStoreTest, TruncatedFileIsReportedAsCorrupt) {
  TempDir dir;
  CheckpointStore store(dir.path(), "cut");
  ASSERT_TRUE(store.save(sample()));
  const std::string full = read_all(store.file());
  for (size_t len : {size_t{0}, full.size() / 2, full.size() - 3}) {
    write_file(store.file(), full.substr(0, len));
    std::vector<FileCheckpoint> loaded;
    EXPECT_EQ(store.load(loaded), CheckpointStore::LoadResult::kCorrupt) << "length " << len;
  }
}

TEST(CheckpointStoreTest, EntryWithBadFieldsIsCorrupt) {
  std::vector<FileCheckpoint> out;
  std::string error;
  EXPECT_FALSE(CheckpointStore::decode(
      R"({"version":1,"files":[{"path":"/a","dev":1,"ino":2,"fp_len":3,"fp_sha256":"xyz","offset":4}]})",
      out, error));
  EXPECT_FALSE(CheckpointStore::decode(R"({"version":2,"files":[]})", out, error));
  EXPECT_FALSE(CheckpointStore::decode(R"({"version":1,"files":[{"path":"/a"}]})", out, error));
  EXPECT_TRUE(CheckpointStore::decode(R"({"version":1,"files":[]})", out, error)) << error;
}

TEST(CheckpointStoreTest, InputNamesBecomeSafeFileNames) {
  TempDir dir;
  CheckpointStore store(dir.path(), "../etc/passwd");
  EXPECT_EQ(store.file(), dir.path() + "/checkpoints/%2E.%2Fetc%2Fpasswd.json");
}

TEST(CheckpointStoreTest, UnwritableStateDirFailsWithoutThrowingAndRecovers) {
  TempDir dir;
  write_file(dir / "state", "a file where a directory should be");
  CheckpointStore broken(dir / "state", "ro");
  EXPECT_FALSE(broken.save(sample()));
  CheckpointStore fine(dir / "state2", "ro");
  EXPECT_TRUE(fine.save(sample()));
}

}  // namespace
}  // namespace tripline
