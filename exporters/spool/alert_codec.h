#pragma once
#include <string>
#include <string_view>

#include "core/alert.h"

namespace tripline {

// Compact binary form of an Alert for spool records: a version byte, then every field as
// little-endian integers and length-prefixed strings. Decoding checks every bound, so a record
// that passed its CRC but comes from another version fails cleanly instead of misreading.
std::string encode_alert(const Alert& alert);
bool decode_alert(std::string_view data, Alert& out);

}  // namespace tripline
