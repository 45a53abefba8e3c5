#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>

namespace tripline {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Opens a file read-only and close-on-exec; non-blocking so that a FIFO swapped in where a log was
// expected cannot hang the reader. Returns an invalid fd and sets errno on failure.
UniqueFd open_for_reading(const std::string& path);

// pread until `len` bytes or EOF. Returns bytes read, or -1 on error.
ssize_t pread_full(int fd, char* buf, size_t len, uint64_t offset);

// The first min(size, max_bytes) bytes of the file. Returns false on a read error.
bool read_prefix(int fd, size_t max_bytes, std::string& out);

// Offset just past the last '\n' in the first `size` bytes of the file: where "start at the end"
// begins without cutting a line in half. Looks back at most `max_back` bytes (a line longer than
// that is cut anyway) and returns `size` when no newline is that close, 0 for a file without any.
uint64_t last_line_boundary(int fd, uint64_t size, uint64_t max_back);

}  // namespace tripline
