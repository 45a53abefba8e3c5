#pragma once
#include <string>

namespace tripline {

// Sigma's logsource triple. An empty member means "any" when used as a rule's requirement.
struct LogSource {
  std::string product;
  std::string service;
  std::string category;

  bool empty() const { return product.empty() && service.empty() && category.empty(); }
  // product/service/category with empty trailing parts omitted, e.g. "aws/cloudtrail".
  std::string to_string() const {
    std::string s = product;
    if (!service.empty() || !category.empty()) s += "/" + service;
    if (!category.empty()) s += "/" + category;
    return s;
  }
  friend bool operator==(const LogSource&, const LogSource&) = default;
};

}  // namespace tripline
