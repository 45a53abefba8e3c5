// sshd parser: OpenSSH daemon messages (authentication results, invalid users, disconnects,
// PAM and key details) as they follow "sshd[pid]: " or arrive as a journald MESSAGE.
// Properties: never throws; the logsource becomes linux/sshd whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "collectors/parsers/sshd_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tripline::SshdParser parser;
  static const auto input = std::make_shared<tripline::InputInfo>(
      tripline::InputInfo{"journal", "fuzz-host", {"linux", "auth", "authentication"}, {}});
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  tripline::Event event(input, raw);
  const bool recognised = parser.parse(event);
  tripline::fuzz::check(event.logsource().service == "sshd");
  tripline::fuzz::check(event.logsource().category == "authentication");
  if (recognised) tripline::fuzz::check(!event.parsed_fields().empty());
  for (const auto& [name, value] : event.parsed_fields()) {
    tripline::fuzz::check(event.find(name) == value);
  }
  // parse() is parse_message() over the raw bytes: both read the same message the same way.
  tripline::Event again(input, raw);
  tripline::fuzz::check(parser.parse_message(raw, again) == recognised);
  tripline::fuzz::check(again.parsed_fields().size() == event.parsed_fields().size());
  tripline::SshdParser::is_sshd_program(raw);
  return 0;
}
