#pragma once
#include <string_view>

namespace tripline {

// Writes all of `data` to `fd`, retrying short writes and EINTR. False on any other error.
bool write_all(int fd, std::string_view data);

}  // namespace tripline
