#pragma once
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "rules/sigma/cidr.h"
#include "rules/sigma/eval_context.h"
#include "rules/sigma/pattern.h"

namespace tripline::sigma {

// One compiled value of a field condition (`field|modifiers: value`). A field condition holds one
// test per value and links them with OR (or AND with `all`).
class ValueTest {
 public:
  virtual ~ValueTest() = default;
  // Tests one scalar (a field value, or one element of an array field).
  virtual bool test(Subject& subject, EvalContext& ctx) const = 0;
  // Result when the field is absent from the event.
  virtual bool on_absent() const { return false; }
  // Tests that look at the field as a whole (null, exists) rather than its array elements.
  virtual bool whole_value() const { return false; }
  // The lower-cased literal a plain equality test requires (for the rule index); else null.
  virtual const std::string* exact_literal() const { return nullptr; }
  // Reads other fields of the event while testing. Event::find may move earlier results when it
  // caches a new field, so the caller must hold its own copy of the value under test.
  virtual bool reads_other_fields() const { return false; }
};

// Wildcard / equality / prefix / suffix / substring match on the value's text.
class PatternTest : public ValueTest {
 public:
  explicit PatternTest(Pattern p) : pattern_(std::move(p)) {}
  bool test(Subject& s, EvalContext&) const override {
    if (s.type() == FieldType::kNull) return false;
    if (pattern_.cased()) return pattern_.match(s.text(), {});
    if (pattern_.folds_in_place()) return pattern_.match_folding(s.text());
    return pattern_.match({}, s.lowered());
  }
  const std::string* exact_literal() const override {
    return pattern_.kind() == Pattern::Kind::kExact ? &pattern_.literal() : nullptr;
  }

 private:
  Pattern pattern_;
};

// `re` (RE2, unanchored search).
class RegexTest : public ValueTest {
 public:
  explicit RegexTest(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
  bool test(Subject& s, EvalContext&) const override {
    if (s.type() == FieldType::kNull) return false;
    return RE2::PartialMatch(re2::StringPiece(s.text().data(), s.text().size()), *re_);
  }

 private:
  std::unique_ptr<RE2> re_;
};

class CidrTest : public ValueTest {
 public:
  explicit CidrTest(CidrNetwork net) : net_(net) {}
  bool test(Subject& s, EvalContext&) const override {
    const auto ip = parse_ip(s.text());
    return ip && net_.contains(*ip);
  }

 private:
  CidrNetwork net_;
};

enum class CompareOp : unsigned char { kEq, kLt, kLte, kGt, kGte };
bool compare(double lhs, CompareOp op, double rhs);
bool parse_number(std::string_view text, double& out);

// gt / gte / lt / lte on numbers (numeric strings count).
class NumericTest : public ValueTest {
 public:
  NumericTest(CompareOp op, double value) : op_(op), value_(value) {}
  bool test(Subject& s, EvalContext&) const override;

 private:
  CompareOp op_;
  double value_;
};

// minute / hour / day / week / month / year of a timestamp field, compared with a number.
class TimePartTest : public ValueTest {
 public:
  enum class Part : unsigned char { kMinute, kHour, kDay, kWeek, kMonth, kYear };
  TimePartTest(Part part, CompareOp op, double value) : part_(part), op_(op), value_(value) {}
  bool test(Subject& s, EvalContext&) const override;

 private:
  Part part_;
  CompareOp op_;
  double value_;
};

// `field: null`: the field is absent or JSON null.
class NullTest : public ValueTest {
 public:
  bool test(Subject& s, EvalContext&) const override { return s.type() == FieldType::kNull; }
  bool on_absent() const override { return true; }
  bool whole_value() const override { return true; }
};

// `field|exists: true|false`.
class ExistsTest : public ValueTest {
 public:
  explicit ExistsTest(bool expected) : expected_(expected) {}
  bool test(Subject&, EvalContext&) const override { return expected_; }
  bool on_absent() const override { return !expected_; }
  bool whole_value() const override { return true; }

 private:
  bool expected_;
};

// `fieldref`: compares with another field of the same event.
class FieldRefTest : public ValueTest {
 public:
  enum class Kind : unsigned char { kEqual, kPrefix, kSuffix, kContains };
  FieldRefTest(FieldRef other, Kind kind, bool cased)
      : other_(std::move(other)), kind_(kind), cased_(cased) {}
  bool test(Subject& s, EvalContext& ctx) const override;
  bool reads_other_fields() const override { return true; }

 private:
  FieldRef other_;
  Kind kind_;
  bool cased_;
};

}  // namespace tripline::sigma
