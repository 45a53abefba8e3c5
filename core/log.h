#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tripline::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Structured self-logging: one JSON object per line on stderr
// {"ts":..., "level":"info", "msg":..., <fields>}. Event payloads belong at debug level only.
void set_level(Level level);
Level level();
bool parse_level(std::string_view s, Level& out);
void write(Level level, std::string_view msg, Fields fields = {});

inline void debug(std::string_view msg, Fields f = {}) { write(Level::kDebug, msg, f); }
inline void info(std::string_view msg, Fields f = {}) { write(Level::kInfo, msg, f); }
inline void warn(std::string_view msg, Fields f = {}) { write(Level::kWarn, msg, f); }
inline void error(std::string_view msg, Fields f = {}) { write(Level::kError, msg, f); }

}  // namespace tripline::log
