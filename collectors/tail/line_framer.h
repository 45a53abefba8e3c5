#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tripline {

// Splits a byte stream into newline-terminated lines and keeps the offsets they came from.
// A line without its newline is held (never emitted half) until the newline arrives; a line longer
// than max_line_bytes keeps its first max_line_bytes bytes and drops the rest up to the newline,
// so memory stays bounded whatever the input. A trailing '\r' is removed (CRLF logs).
class LineFramer {
 public:
  struct Line {
    std::string_view text;  // valid only during the callback
    uint64_t begin = 0;     // offset of the line's first byte
    uint64_t end = 0;       // offset just past its newline
    bool truncated = false;
  };

  explicit LineFramer(size_t max_line_bytes) : max_(max_line_bytes == 0 ? 1 : max_line_bytes) {}

  // Starts framing at `offset`, which must be a line boundary; forgets any held bytes.
  void reset(uint64_t offset) {
    held_.clear();
    held_.shrink_to_fit();
    truncated_ = false;
    line_start_ = next_ = offset;
  }

  // Where the held partial line starts: everything before it has been emitted.
  uint64_t line_start() const { return line_start_; }
  // Offset of the next byte feed() expects.
  uint64_t next_offset() const { return next_; }
  bool holding() const { return next_ > line_start_; }

  // Frames `data`, the bytes at next_offset(); calls on_line(const Line&) for each complete line.
  template <typename OnLine>
  void feed(std::string_view data, OnLine&& on_line) {
    const uint64_t base = next_;
    size_t pos = 0;
    while (pos < data.size()) {
      const char* start = data.data() + pos;
      const void* nl = std::memchr(start, '\n', data.size() - pos);
      if (nl == nullptr) {
        hold(data.substr(pos));
        break;
      }
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
      Line line;
      line.begin = line_start_;
      line.end = base + pos + len + 1;
      if (held_.empty() && !truncated_) {
        line.text = data.substr(pos, len);
        if (line.text.size() > max_) {
          line.text = line.text.substr(0, max_);
          line.truncated = true;
        }
      } else {
        hold(data.substr(pos, len));
        line.text = held_;
        line.truncated = truncated_;
      }
      if (!line.truncated && !line.text.empty() && line.text.back() == '\r') {
        line.text.remove_suffix(1);
      }
      on_line(static_cast<const Line&>(line));
      held_.clear();
      truncated_ = false;
      line_start_ = line.end;
      pos += len + 1;
    }
    next_ = base + data.size();
  }

  // Emits the held partial line as a final line (the file will not grow any more).
  template <typename OnLine>
  bool flush(OnLine&& on_line) {
    if (!holding()) return false;
    Line line{held_, line_start_, next_, truncated_};
    on_line(static_cast<const Line&>(line));
    held_.clear();
    truncated_ = false;
    line_start_ = next_;
    return true;
  }

 private:
  void hold(std::string_view piece) {
    const size_t room = max_ - held_.size();
    if (piece.size() > room) {
      held_.append(piece.data(), room);
      truncated_ = true;
    } else {
      held_.append(piece);
    }
  }

  size_t max_;
  std::string held_;
  bool truncated_ = false;
  uint64_t line_start_ = 0;
  uint64_t next_ = 0;
};

}  // namespace tripline
