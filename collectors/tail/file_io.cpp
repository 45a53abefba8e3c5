#include "collectors/tail/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tripline {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

UniqueFd open_for_reading(const std::string& path) {
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
}

ssize_t pread_full(int fd, char* buf, size_t len, uint64_t offset) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = ::pread(fd, buf + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

bool read_prefix(int fd, size_t max_bytes, std::string& out) {
  out.resize(max_bytes);
  const ssize_t n = pread_full(fd, out.data(), max_bytes, 0);
  if (n < 0) {
    out.clear();
    return false;
  }
  out.resize(static_cast<size_t>(n));
  return true;
}

uint64_t last_line_boundary(int fd, uint64_t size, uint64_t max_back) {
  constexpr size_t kChunk = 64 * 1024;
  std::vector<char> buf(kChunk);
  const uint64_t floor = size > max_back ? size - max_back : 0;
  uint64_t end = size;
  while (end > floor) {
    const uint64_t begin = end - floor > kChunk ? end - kChunk : floor;
    const size_t len = static_cast<size_t>(end - begin);
    const ssize_t n = pread_full(fd, buf.data(), len, begin);
    if (n != static_cast<ssize_t>(len)) return 0;
    const void* nl = ::memrchr(buf.data(), '\n', len);
    if (nl != nullptr) return begin + static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    end = begin;
  }
  return floor == 0 ? 0 : size;
}

}  // namespace tripline
