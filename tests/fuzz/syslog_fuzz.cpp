// Syslog parser (`format: syslog`): RFC 3164 in rsyslog's traditional and RFC 3339 file formats,
// RFC 5424 with structured data, the sshd and PAM sub-parsers it hands messages to.
// Properties: never throws; a line that does not parse still carries itself as `message`.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "collectors/parsers/syslog_parser.h"
#include "core/time_util.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tripline::SyslogParser local(tripline::TimestampZone::kLocal);
  static const tripline::SyslogParser utc(tripline::TimestampZone::kUtc);
  static const auto input = std::make_shared<tripline::InputInfo>(
      tripline::InputInfo{"auth", "fuzz-host", {"linux", "auth", ""}, {}});
  // A fixed receive time keeps the year inference of BSD timestamps reproducible.
  static const tripline::TimePoint received = *tripline::parse_rfc3339("2026-01-02T03:04:05Z");
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  for (const tripline::SyslogParser* parser : {&local, &utc}) {
    tripline::Event event(input, raw);
    event.set_receive_time(received);
    const bool ok = parser->parse(event);
    if (!ok) tripline::fuzz::check(event.find("message") != nullptr || raw.empty());
    // Everything a parser set is readable back through the field API rules use.
    for (const auto& [name, value] : event.parsed_fields()) {
      tripline::fuzz::check(value->present());
      tripline::fuzz::check(event.find(name) == value);
    }
  }
  return 0;
}
