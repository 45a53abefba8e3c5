#pragma once
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/format_sniffer.h"

namespace tripline {

// Reads records from a whole file, plain or gzip-compressed (detected by content), for replay
// and for archive-style inputs. Lines are streamed through a fixed buffer, so memory stays flat
// however large the archive; a records-array document (CloudTrail delivery file) is read whole,
// as those files are bounded by their producer (CloudTrail rolls them every ~5 minutes).
class RecordReader {
 public:
  struct Record {
    std::string_view bytes;  // valid until the next call to next()
    uint64_t offset = 0;     // in the decompressed stream; array index for array records
    bool truncated = false;  // a line longer than max_line_bytes, cut to that length
  };

  // Opens `path`; on failure returns nullptr and sets `error`.
  static std::unique_ptr<RecordReader> open(const std::string& path, std::string& error,
                                            size_t max_line_bytes = 1 << 20);
  ~RecordReader();

  // The first bytes of the decompressed content (for format sniffing); read before any record.
  std::string_view head();
  // Chooses how records are cut out; call once before next().
  void set_framing(Framing framing, std::string array_key);

  // False at end of input. A document that is not valid JSON ends the input and sets error().
  bool next(Record& record);

  const std::string& error() const { return error_; }
  uint64_t compressed_bytes_read() const;  // file bytes consumed so far (for progress)
  uint64_t bytes_read() const { return decompressed_; }

 private:
  RecordReader(gzFile file, int fd, size_t max_line_bytes);
  bool fill();
  size_t buffer_limit() const;
  bool next_line(Record& record);
  bool next_array_record(Record& record);
  bool load_array();

  gzFile file_;
  int fd_;
  size_t max_line_bytes_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // unread data is buffer_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t decompressed_ = 0;   // bytes handed out of the buffer
  uint64_t stream_offset_ = 0;  // offset of buffer_[begin_] in the stream
  bool skipping_overlong_ = false;
  Framing framing_ = Framing::kLines;
  std::string array_key_;
  std::vector<std::string> array_records_;
  size_t array_index_ = 0;
  bool array_loaded_ = false;
  std::string error_;
};

}  // namespace tripline
