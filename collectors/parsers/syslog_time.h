#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/event.h"

namespace tripline {

// How to read timestamps that carry no zone (RFC 3164's "Nov 23 08:49:01"). rsyslog writes the
// host's local time, so kLocal is right for a log read on the host that wrote it.
enum class TimestampZone : unsigned char { kLocal, kUtc };

// A year-less BSD syslog timestamp: "Mmm dd hh:mm:ss" with the day space-padded, zero-padded or
// bare, and an optional fraction ("Nov 23 08:49:01.123", as some daemons write).
struct BsdTimestamp {
  unsigned month = 0;  // 1..12
  unsigned day = 0;
  unsigned hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
};

// Parses a BSD timestamp at the start of `s`; returns the characters consumed, 0 when there is
// none (then `out` is unspecified).
size_t parse_bsd_timestamp(std::string_view s, BsdTimestamp& out);

// The instant of a year-less timestamp: the latest year that does not put it more than a day
// after `received` (so "Dec 31 23:59:59" read on Jan 1 is last year's, and "Jan  1 00:00:01" read
// a second before midnight on Dec 31 is next year's). nullopt for dates no year has in reach
// (Feb 30). Thread-safe.
std::optional<TimePoint> resolve_bsd_timestamp(const BsdTimestamp& ts, TimePoint received,
                                               TimestampZone zone);

// parse_bsd_timestamp then resolve_bsd_timestamp, for the start of a syslog line: returns the
// characters consumed (0 when there is no timestamp) and sets `out` (nullopt for an impossible
// date). Consecutive lines of a log mostly share their second: the thread's last whole-second
// stamp is remembered, with the receive second and zone it was resolved for, and reused.
size_t read_bsd_time(std::string_view s, TimePoint received, TimestampZone zone,
                     std::optional<TimePoint>& out);

// Seconds since the epoch of a civil time in `zone`. Local-time offsets are cached per thread by
// the hour, so calling this for every line of a log costs one mktime() per hour of log.
int64_t civil_to_epoch(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                       unsigned second, TimestampZone zone);

}  // namespace tripline
