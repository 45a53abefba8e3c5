#pragma once
#include <string>
#include <string_view>

namespace tripline {

// Replaces `path` with `data` so that a crash leaves either the old or the new content: creates
// the parent folder, writes `path`.tmp, fsyncs it, renames it over `path` and fsyncs the folder.
// False with `error` naming the step and file on any failure.
bool write_file_atomically(const std::string& path, std::string_view data, std::string& error);

}  // namespace tripline
