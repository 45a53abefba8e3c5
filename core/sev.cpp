#include "core/sev.h"

namespace tripline {
namespace {

constexpr const char* kSevNames[] = {"SEV0", "SEV1", "SEV2", "SEV3", "SEV4"};

}  // namespace

const char* sev_name(Sev sev) { return kSevNames[static_cast<int>(sev)]; }

std::optional<Sev> parse_sev(std::string_view s) {
  if (s.size() == 4 && (s[0] == 'S' || s[0] == 's') && (s[1] == 'E' || s[1] == 'e') &&
      (s[2] == 'V' || s[2] == 'v')) {
    s.remove_prefix(3);
  }
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '4') return static_cast<Sev>(s[0] - '0');
  return std::nullopt;
}

}  // namespace tripline
