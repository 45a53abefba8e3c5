#include "rules/correlation/condition.h"

#include <cmath>
#include <sstream>

namespace tripline::correlation {

bool Condition::from_text(const std::vector<std::pair<std::string, double>>& ops, Condition& out) {
  out.bounds_.clear();
  for (const auto& [op, value] : ops) {
    Bound b;
    b.value = value;
    if (op == "gt") b.op = Bound::Op::kGt;
    else if (op == "gte") b.op = Bound::Op::kGte;
    else if (op == "lt") b.op = Bound::Op::kLt;
    else if (op == "lte") b.op = Bound::Op::kLte;
    else if (op == "eq") b.op = Bound::Op::kEq;
    else if (op == "neq") b.op = Bound::Op::kNeq;
    else return false;
    out.bounds_.push_back(b);
  }
  return true;
}

bool Condition::holds(double v) const {
  for (const Bound& b : bounds_) {
    bool ok = false;
    switch (b.op) {
      case Bound::Op::kGt: ok = v > b.value; break;
      case Bound::Op::kGte: ok = v >= b.value; break;
      case Bound::Op::kLt: ok = v < b.value; break;
      case Bound::Op::kLte: ok = v <= b.value; break;
      case Bound::Op::kEq: ok = v == b.value; break;
      case Bound::Op::kNeq: ok = v != b.value; break;
    }
    if (!ok) return false;
  }
  return true;
}

bool Condition::lower_bounds_only() const {
  if (bounds_.empty()) return false;
  for (const Bound& b : bounds_) {
    if (b.op != Bound::Op::kGt && b.op != Bound::Op::kGte) return false;
  }
  return true;
}

double Condition::min_count() const {
  double n = 1;
  for (const Bound& b : bounds_) {
    if (b.op == Bound::Op::kGte) n = std::max(n, std::ceil(b.value));
    if (b.op == Bound::Op::kGt) n = std::max(n, std::floor(b.value) + 1);
  }
  return n;
}

std::string Condition::to_string() const {
  std::ostringstream out;
  const char* names[] = {"gt", "gte", "lt", "lte", "eq", "neq"};
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (i) out << " and ";
    out << names[static_cast<int>(bounds_[i].op)] << ' ' << bounds_[i].value;
  }
  return out.str();
}

}  // namespace tripline::correlation
