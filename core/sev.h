#pragma once
#include <optional>
#include <string_view>

namespace tripline {

// Severity grades: SEV0 is critical, SEV4 cosmetic.
enum class Sev : int { kSev0 = 0, kSev1 = 1, kSev2 = 2, kSev3 = 3, kSev4 = 4 };
const char* sev_name(Sev sev);                   // "SEV1"
std::optional<Sev> parse_sev(std::string_view);  // "SEV1" / "sev1" / "1"

}  // namespace tripline
