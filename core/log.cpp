#include "core/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "core/event.h"
#include "core/json_writer.h"
#include "core/time_util.h"

namespace tripline::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::mutex g_write_mutex;
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};

}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

bool parse_level(std::string_view s, Level& out) {
  for (int i = 0; i < 4; ++i) {
    if (s == kNames[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  if (s == "warning") {
    out = Level::kWarn;
    return true;
  }
  return false;
}

void write(Level l, std::string_view msg, Fields fields) {
  if (l < g_level.load(std::memory_order_relaxed)) return;
  JsonWriter w;
  w.begin_object();
  w.key("ts").value(format_rfc3339(Clock::now()));
  w.key("level").value(kNames[static_cast<int>(l)]);
  w.key("msg").value(msg);
  for (const auto& [k, v] : fields) w.key(k).value(v);
  w.end_object();
  std::string line = w.take();
  line.push_back('\n');
  std::lock_guard lock(g_write_mutex);
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace tripline::log
