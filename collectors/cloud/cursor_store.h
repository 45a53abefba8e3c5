#pragma once
#include <string>
#include <string_view>

namespace tripline {

// The persisted position of an input that is not a set of tailed files: the delivery files a
// cloudtrail directory input has finished, an S3 listing position, a journal cursor. The state is
// one JSON value the collector encodes itself; it is stored as
// <state_dir>/checkpoints/<input>.json ({"version":1,"input":..,"kind":..,"state":<value>}) and
// replaced atomically (temp file, fsync, rename, fsync of the directory), so a crash leaves the
// old or the new version, never a mix. Not thread-safe: the owning collector serialises calls.
class CursorStore {
 public:
  enum class LoadResult { kLoaded, kMissing, kCorrupt };

  // `kind` is the input type; a checkpoint written by another kind of input under the same name
  // is treated as corrupt (started over) rather than misread.
  CursorStore(const std::string& state_dir, std::string input_name, std::string kind);

  const std::string& file() const { return file_; }

  // Loads the state value's raw JSON into `state`. A damaged file is reported as kCorrupt after a
  // warning and a tripline_checkpoint_errors_total increment.
  LoadResult load(std::string& state);
  // `state` must be one valid JSON value. Returns false on an I/O error (logged once per run of
  // failures; the next save retries).
  bool save(std::string_view state);

 private:
  std::string input_;
  std::string kind_;
  std::string dir_;
  std::string file_;
  bool failing_ = false;
};

}  // namespace tripline
