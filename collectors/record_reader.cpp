#include "collectors/record_reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tripline {
namespace {
constexpr size_t kChunk = 256 * 1024;
// Buffers start small and grow to what the data needs: most delivery files are a few KiB, and a
// reader opened per file should not map megabytes it never touches.
constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kMinZlibBuffer = 8 * 1024;
}  // namespace

std::unique_ptr<RecordReader> RecordReader::open(const std::string& path, std::string& error,
                                                 size_t max_line_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::string(std::strerror(errno));
    return nullptr;
  }
  // gzread passes plain files through unchanged, so one code path reads both.
  const int dup_fd = ::dup(fd);
  gzFile file = gzdopen(dup_fd, "rb");
  if (!file) {
    ::close(dup_fd);
    ::close(fd);
    error = "cannot open for reading";
    return nullptr;
  }
  struct stat st {};
  const size_t file_size = ::fstat(fd, &st) == 0 ? static_cast<size_t>(st.st_size) : kChunk;
  gzbuffer(file, static_cast<unsigned>(std::clamp(file_size, kMinZlibBuffer, kChunk)));
  return std::unique_ptr<RecordReader>(new RecordReader(file, fd, max_line_bytes));
}

RecordReader::RecordReader(gzFile file, int fd, size_t max_line_bytes)
    : file_(file), fd_(fd), max_line_bytes_(max_line_bytes ? max_line_bytes : 1) {
  buffer_.resize(std::min(kInitialBuffer, buffer_limit()));
}

// Room for the longest line plus a chunk read behind it.
size_t RecordReader::buffer_limit() const { return std::max(kChunk, max_line_bytes_ + 1) + kChunk; }

RecordReader::~RecordReader() {
  gzclose(file_);
  ::close(fd_);
}

uint64_t RecordReader::compressed_bytes_read() const {
  const off_t pos = ::lseek(fd_, 0, SEEK_CUR);
  return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

// Moves unread bytes to the front and appends one chunk. False when nothing more can be read.
bool RecordReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() >= buffer_limit()) return false;
    buffer_.resize(std::min(buffer_limit(), buffer_.size() * 2));
  }
  const size_t wanted = buffer_.size() - end_;
  const int n = gzread(file_, buffer_.data() + end_, static_cast<unsigned>(wanted));
  if (n <= 0) {
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      error_ = msg ? msg : "read error";
    }
    eof_ = true;
    return false;
  }
  end_ += static_cast<size_t>(n);
  // A read that filled the space means a larger file: grow towards full chunks so reads stay few.
  if (static_cast<size_t>(n) == wanted && buffer_.size() < kChunk) {
    buffer_.resize(std::min(kChunk, buffer_.size() * 2));
  }
  return true;
}

std::string_view RecordReader::head() {
  while (!eof_ && end_ - begin_ < 4096 && fill()) {
  }
  return {buffer_.data() + begin_, std::min<size_t>(end_ - begin_, 4096)};
}

void RecordReader::set_framing(Framing framing, std::string array_key) {
  framing_ = framing;
  array_key_ = std::move(array_key);
}

bool RecordReader::next(Record& record) {
  return framing_ == Framing::kLines ? next_line(record) : next_array_record(record);
}

bool RecordReader::next_line(Record& record) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const size_t avail = end_ - begin_;
    const void* nl = std::memchr(start, '\n', avail);
    if (nl || avail >= max_line_bytes_ || (eof_ && avail > 0)) {
      size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
      const bool overlong = len > max_line_bytes_ || (!nl && avail >= max_line_bytes_ && !eof_);
      const size_t consumed = nl ? len + 1 : len;
      if (skipping_overlong_) {
        // The tail of a line already emitted truncated.
        skipping_overlong_ = !nl;
        begin_ += consumed;
        stream_offset_ += consumed;
        decompressed_ += consumed;
        continue;
      }
      if (overlong) {
        len = max_line_bytes_;
        skipping_overlong_ = !nl;
      }
      size_t shown = len;
      if (shown > 0 && start[shown - 1] == '\r') --shown;
      record.bytes = std::string_view(start, shown);
      record.offset = stream_offset_;
      record.truncated = overlong;
      begin_ += consumed;
      stream_offset_ += consumed;
      decompressed_ += consumed;
      if (record.bytes.empty() && !record.truncated) continue;  // blank lines are not records
      return true;
    }
    if (!fill()) {
      if (end_ == begin_) return false;
    }
  }
}

bool RecordReader::load_array() {
  array_loaded_ = true;
  std::string doc(buffer_.data() + begin_, end_ - begin_);
  while (!eof_) {
    begin_ = end_ = 0;
    if (!fill()) break;
    doc.append(buffer_.data(), end_);
  }
  decompressed_ = doc.size();
  begin_ = end_ = 0;
  simdjson::padded_string padded(doc);
  doc.clear();
  doc.shrink_to_fit();
  // A file may hold several documents one after the other (delivery files concatenated with
  // `cat` for a replay): each is read, none is dropped. One batch holds the whole file.
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream docs;
  const bool whole = array_key_.empty();
  const std::string shape = whole ? "not a JSON array document"
                                  : "not a JSON document with a \"" + array_key_ + "\" array";
  if (parser.iterate_many(padded, std::max<size_t>(padded.size(), 1024)).get(docs)) {
    error_ = shape;
    return false;
  }
  size_t documents = 0;
  for (auto d : docs) {
    simdjson::ondemand::array items;
    const bool bad = whole ? d.get_array().get(items)
                           : d.find_field_unordered(array_key_).get_array().get(items);
    if (bad) {
      error_ = documents == 0 ? shape : shape + " (document " + std::to_string(documents + 1) + ")";
      return !array_records_.empty();
    }
    ++documents;
    for (auto item : items) {
      simdjson::ondemand::object obj;
      std::string_view raw;
      if (item.get_object().get(obj) || obj.raw_json().get(raw)) {
        error_ = "malformed record in \"" + array_key_ + "\" array";
        return !array_records_.empty();
      }
      std::string minified(raw.size(), '\0');
      size_t len = 0;
      if (simdjson::minify(raw.data(), raw.size(), minified.data(), len)) {
        error_ = "malformed record in \"" + array_key_ + "\" array";
        return !array_records_.empty();
      }
      minified.resize(len);
      array_records_.push_back(std::move(minified));
    }
  }
  if (documents == 0) {
    error_ = shape;
    return false;
  }
  if (docs.truncated_bytes() > 0) {
    error_ = shape + " (" + std::to_string(docs.truncated_bytes()) +
             " bytes of an unfinished document at the end)";
    return !array_records_.empty();
  }
  return true;
}

bool RecordReader::next_array_record(Record& record) {
  if (!array_loaded_ && !load_array()) return false;
  if (array_index_ >= array_records_.size()) {
    array_records_.clear();
    return false;
  }
  record.bytes = array_records_[array_index_];
  record.offset = array_index_;
  record.truncated = false;
  ++array_index_;
  return true;
}

}  // namespace tripline
