#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"

namespace tripline {

// "2026-01-01T00:00:00Z", or with milliseconds when the time has them.
std::string format_rfc3339(TimePoint t);
// RFC 3339 / ISO 8601: date, 'T' or ' ', time, optional fraction, 'Z' or ±hh:mm (none = UTC).
std::optional<TimePoint> parse_rfc3339(std::string_view s);
// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace tripline
