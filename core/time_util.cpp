#include "core/time_util.h"

#include <cstdio>
#include <ctime>

namespace tripline {
namespace {

bool read_digits(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  out = v;
  return true;
}

bool expect(std::string_view s, size_t& i, char c) {
  if (i < s.size() && s[i] == c) {
    ++i;
    return true;
  }
  return false;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string format_rfc3339(TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  int64_t secs = ms.count() / 1000;
  int64_t frac = ms.count() % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  const int year = tm.tm_year + 1900;
  if (year >= 0 && year <= 9999) {
    // The common case without printf: alerts format two times each.
    char out[24];
    const auto put = [&](size_t at, int v, int digits) {
      for (size_t k = static_cast<size_t>(digits); k-- > 0; v /= 10) {
        out[at + k] = static_cast<char>('0' + v % 10);
      }
    };
    put(0, year, 4);
    out[4] = '-';
    put(5, tm.tm_mon + 1, 2);
    out[7] = '-';
    put(8, tm.tm_mday, 2);
    out[10] = 'T';
    put(11, tm.tm_hour, 2);
    out[13] = ':';
    put(14, tm.tm_min, 2);
    out[16] = ':';
    put(17, tm.tm_sec, 2);
    size_t n = 19;
    if (frac != 0) {
      out[n++] = '.';
      put(n, static_cast<int>(frac), 3);
      n += 3;
    }
    out[n++] = 'Z';
    return std::string(out, n);
  }
  char buf[96];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(frac));
  }
  return buf;
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, i, 4, y) || !expect(s, i, '-') || !read_digits(s, i, 2, mo) ||
      !expect(s, i, '-') || !read_digits(s, i, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t nanos = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    if (!read_digits(s, i, 2, h) || !expect(s, i, ':') || !read_digits(s, i, 2, mi)) {
      return std::nullopt;
    }
    if (expect(s, i, ':') && !read_digits(s, i, 2, sec)) return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (expect(s, i, '.') || expect(s, i, ',')) {
      int64_t scale = 100000000;
      size_t digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 9) nanos += (s[i] - '0') * scale;
        scale /= 10;
        ++digits;
        ++i;
      }
      if (digits == 0) return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int oh = 0, om = 0;
      if (!read_digits(s, i, 2, oh)) return std::nullopt;
      expect(s, i, ':');
      if (i < s.size() && !read_digits(s, i, 2, om)) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    }
  }
  if (i != s.size()) return std::nullopt;
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t total = days * 86400 + h * 3600 + mi * 60 + sec - offset_minutes * 60;
  // The clock counts nanoseconds in 64 bits (1677-09-21 to 2262-04-11); a time outside that
  // range is not representable and converting it would overflow (found by fuzz_syslog).
  constexpr int64_t kClockSeconds = 9'223'372'035;
  if (total < -kClockSeconds || total > kClockSeconds) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(total) +
                                                               std::chrono::nanoseconds(nanos)));
}

}  // namespace tripline
