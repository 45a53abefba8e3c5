#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tripline {

// The committed position in one file, as persisted.
struct FileCheckpoint {
  std::string path;  // empty once the file left the input's globs (rotated away, deleted)
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t fp_len = 0;    // the fingerprint covers the file's first fp_len bytes
  std::string fp_sha256;  // SHA-256 (hex) of those bytes
  uint64_t offset = 0;    // every byte before it is committed
  friend bool operator==(const FileCheckpoint&, const FileCheckpoint&) = default;
};

// One checkpoint file per input: <state_dir>/checkpoints/<input>.json, replaced atomically
// (write a temp file, fsync, rename over, fsync the directory) so that a crash leaves either the
// old or the new version. Not thread-safe: the owner serialises calls.
class CheckpointStore {
 public:
  enum class LoadResult { kLoaded, kMissing, kCorrupt };

  CheckpointStore(const std::string& state_dir, std::string input_name);

  const std::string& file() const { return file_; }

  // Reads the checkpoint. A file that is unreadable, corrupt or truncated is reported as
  // kCorrupt after a warning naming it and a tripline_checkpoint_errors_total increment; the
  // caller then reads its files from the beginning.
  LoadResult load(std::vector<FileCheckpoint>& out);
  // Replaces the checkpoint. Returns false (logged once per run of failures) on an I/O error.
  bool save(const std::vector<FileCheckpoint>& files);

  // Serialised form, exposed for tests.
  static std::string encode(const std::string& input, const std::vector<FileCheckpoint>& files);
  static bool decode(const std::string& text, std::vector<FileCheckpoint>& out, std::string& error);

 private:
  bool write_atomically(const std::string& data, std::string& error);

  std::string input_;
  std::string dir_;
  std::string file_;
  bool failing_ = false;
};

}  // namespace tripline
