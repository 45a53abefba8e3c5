#include "collectors/parsers/syslog_time.h"

#include <array>
#include <climits>
#include <cstring>
#include <ctime>

#include "core/time_util.h"

namespace tripline {
namespace {

constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool two_digits(std::string_view s, size_t i, unsigned& out) {
  if (i + 2 > s.size() || !is_digit(s[i]) || !is_digit(s[i + 1])) return false;
  out = static_cast<unsigned>((s[i] - '0') * 10 + (s[i + 1] - '0'));
  return true;
}

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// UTC offset (seconds east) in effect at a local civil hour, from mktime(). A few entries per
// thread: year inference probes neighbouring years, and logs move forward an hour at a time.
int64_t local_offset(int64_t civil_hour_key, int64_t y, unsigned mo, unsigned d, unsigned h) {
  struct Entry {
    int64_t key = INT64_MIN;
    int64_t offset = 0;
  };
  thread_local std::array<Entry, 4> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (e.key == civil_hour_key) return e.offset;
  }
  std::tm tm{};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(mo) - 1;
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  int64_t offset = 0;
  if (t != static_cast<std::time_t>(-1)) offset = civil_hour_key * 3600 - static_cast<int64_t>(t);
  cache[next] = {civil_hour_key, offset};
  next = (next + 1) % cache.size();
  return offset;
}

}  // namespace

size_t parse_bsd_timestamp(std::string_view s, BsdTimestamp& out) {
  if (s.size() < 14) return 0;
  unsigned month = 0;
  for (unsigned m = 0; m < 12; ++m) {
    if (lower(s[0]) == kMonths[m][0] && lower(s[1]) == kMonths[m][1] &&
        lower(s[2]) == kMonths[m][2]) {
      month = m + 1;
      break;
    }
  }
  if (month == 0 || s[3] != ' ') return 0;
  size_t i = 4;
  if (s[i] == ' ') ++i;  // "Jun  7": space-padded day
  unsigned day = 0;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < 2) {
    day = day * 10 + static_cast<unsigned>(s[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0 || day < 1 || day > 31 || i >= s.size() || s[i] != ' ') return 0;
  ++i;
  unsigned h = 0, mi = 0, sec = 0;
  if (!two_digits(s, i, h) || i + 8 > s.size() || s[i + 2] != ':' || !two_digits(s, i + 3, mi) ||
      s[i + 5] != ':' || !two_digits(s, i + 6, sec)) {
    return 0;
  }
  if (h > 23 || mi > 59 || sec > 60) return 0;
  i += 8;
  int64_t nanos = 0;
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    ++i;
    int64_t scale = 100000000;
    while (i < s.size() && is_digit(s[i])) {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  out = {month, day, h, mi, sec, nanos};
  return i;
}

int64_t civil_to_epoch(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                       unsigned second, TimestampZone zone) {
  const int64_t days = days_from_civil(year, month, day);
  const int64_t as_utc = days * 86400 + hour * 3600 + minute * 60 + second;
  if (zone == TimestampZone::kUtc) return as_utc;
  return as_utc - local_offset(floor_div(as_utc, 3600), year, month, day, hour);
}

std::optional<TimePoint> resolve_bsd_timestamp(const BsdTimestamp& ts, TimePoint received,
                                               TimestampZone zone) {
  const int64_t received_s =
      std::chrono::duration_cast<std::chrono::seconds>(received.time_since_epoch()).count();
  const int64_t limit = received_s + 86400;
  // The receive time's UTC year and month (Hinnant's civil_from_days).
  const int64_t z = floor_div(received_s, 86400) + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t received_month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year_now = yoe + era * 400 + (received_month <= 2);
  // Only a January date read in late December can belong to next year.
  const int64_t first = ts.month == 1 && received_month == 12 ? year_now + 1 : year_now;
  // Eight years back reaches a Feb 29 from any year.
  for (int64_t y = first; y >= year_now - 8; --y) {
    if (ts.day > days_in_month(y, ts.month)) continue;
    const int64_t t = civil_to_epoch(y, ts.month, ts.day, ts.hour, ts.minute, ts.second, zone);
    if (t <= limit) {
      return TimePoint(std::chrono::duration_cast<Clock::duration>(
          std::chrono::seconds(t) + std::chrono::nanoseconds(ts.nanos)));
    }
  }
  return std::nullopt;
}

size_t read_bsd_time(std::string_view s, TimePoint received, TimestampZone zone,
                     std::optional<TimePoint>& out) {
  // "Mmm dd hh:mm:ss" and nothing more (no fraction): what the cache holds.
  constexpr size_t kWhole = 15;
  struct Last {
    char text[kWhole];
    int64_t received_s = INT64_MIN;
    TimestampZone zone = TimestampZone::kLocal;
    std::optional<TimePoint> time;
  };
  thread_local Last last;
  // The year a stamp resolves to depends on the receive time to the second, nothing finer.
  const int64_t received_s =
      std::chrono::duration_cast<std::chrono::seconds>(received.time_since_epoch()).count();
  const bool whole = s.size() > kWhole && s[kWhole] == ' ';
  if (whole && last.received_s == received_s && last.zone == zone &&
      std::memcmp(last.text, s.data(), kWhole) == 0) {
    out = last.time;
    return kWhole;
  }
  BsdTimestamp ts;
  const size_t used = parse_bsd_timestamp(s, ts);
  if (used == 0) return 0;
  out = resolve_bsd_timestamp(ts, received, zone);
  if (used == kWhole && whole) {
    std::memcpy(last.text, s.data(), kWhole);
    last.received_s = received_s;
    last.zone = zone;
    last.time = out;
  }
  return used;
}

}  // namespace tripline
