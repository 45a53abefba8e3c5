#pragma once
#include <string>
#include <vector>

namespace tripline::correlation {

// A correlation `condition:` — one or more bounds, all of which must hold (gt: 100 with lte: 200
// is the range 101..200).
struct Bound {
  enum class Op { kGt, kGte, kLt, kLte, kEq, kNeq };
  Op op = Op::kGte;
  double value = 0;
};

class Condition {
 public:
  Condition() = default;
  explicit Condition(std::vector<Bound> bounds) : bounds_(std::move(bounds)) {}
  // From the reader's (op, value) pairs; false for an unknown op.
  static bool from_text(const std::vector<std::pair<std::string, double>>& ops, Condition& out);

  bool holds(double v) const;
  // Only lower bounds (gt/gte): once a growing window satisfies it, a larger one still does, so
  // it can fire the moment it holds instead of when the window closes.
  bool lower_bounds_only() const;
  // The smallest whole count that satisfies the lower bounds (gte 10 → 10, gt 10 → 11).
  double min_count() const;
  bool empty() const { return bounds_.empty(); }
  std::string to_string() const;  // "gte 10 and lt 20"

 private:
  std::vector<Bound> bounds_;
};

}  // namespace tripline::correlation
