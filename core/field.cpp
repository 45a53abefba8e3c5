#include "core/field.h"

namespace tripline {

FieldPath::FieldPath(std::string dotted_name) : dotted(std::move(dotted_name)) {
  json_pointer.reserve(dotted.size() + 1);
  json_pointer.push_back('/');
  for (char c : dotted) {
    if (c == '.') json_pointer.push_back('/');
    else if (c == '~') json_pointer += "~0";
    else if (c == '/') json_pointer += "~1";
    else json_pointer.push_back(c);
  }
}

}  // namespace tripline
