#include "rules/sigma/value_tests.h"

#include <charconv>
#include <cmath>
#include <ctime>

#include "core/time_util.h"

namespace tripline::sigma {
namespace {

thread_local std::string tls_other_lowered;

bool apply(std::string_view subject, std::string_view other, FieldRefTest::Kind kind) {
  switch (kind) {
    case FieldRefTest::Kind::kEqual:
      return subject == other;
    case FieldRefTest::Kind::kPrefix:
      return subject.substr(0, other.size()) == other;
    case FieldRefTest::Kind::kSuffix:
      return subject.size() >= other.size() &&
             subject.substr(subject.size() - other.size()) == other;
    case FieldRefTest::Kind::kContains:
      return subject.find(other) != std::string_view::npos;
  }
  return false;
}

int iso_weeks_in_year(int y) {
  const auto p = [](int year) { return (year + year / 4 - year / 100 + year / 400) % 7; };
  return p(y) == 4 || p(y - 1) == 3 ? 53 : 52;
}

// ISO 8601 week number of a UTC calendar date.
int iso_week(const std::tm& tm) {
  const int year = tm.tm_year + 1900;
  const int wday = tm.tm_wday == 0 ? 7 : tm.tm_wday;  // Monday = 1
  const int week = (tm.tm_yday + 1 - wday + 10) / 7;
  if (week < 1) return iso_weeks_in_year(year - 1);
  if (week > iso_weeks_in_year(year)) return 1;
  return week;
}

}  // namespace

bool compare(double lhs, CompareOp op, double rhs) {
  switch (op) {
    case CompareOp::kEq:
      return lhs == rhs;
    case CompareOp::kLt:
      return lhs < rhs;
    case CompareOp::kLte:
      return lhs <= rhs;
    case CompareOp::kGt:
      return lhs > rhs;
    case CompareOp::kGte:
      return lhs >= rhs;
  }
  return false;
}

bool parse_number(std::string_view text, double& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

bool NumericTest::test(Subject& s, EvalContext&) const {
  if (s.type() != FieldType::kNumber && s.type() != FieldType::kString) return false;
  double v = 0;
  return parse_number(s.text(), v) && compare(v, op_, value_);
}

bool TimePartTest::test(Subject& s, EvalContext&) const {
  if (s.type() != FieldType::kString) return false;
  const auto t = parse_rfc3339(s.text());
  if (!t) return false;
  const std::time_t secs = Clock::to_time_t(*t);
  std::tm tm{};
  if (!gmtime_r(&secs, &tm)) return false;
  int v = 0;
  switch (part_) {
    case Part::kMinute: v = tm.tm_min; break;
    case Part::kHour: v = tm.tm_hour; break;
    case Part::kDay: v = tm.tm_mday; break;
    case Part::kWeek: v = iso_week(tm); break;
    case Part::kMonth: v = tm.tm_mon + 1; break;
    case Part::kYear: v = tm.tm_year + 1900; break;
  }
  return compare(v, op_, value_);
}

bool FieldRefTest::test(Subject& s, EvalContext& ctx) const {
  const FieldValue* other = resolve(ctx.event(), other_);
  if (!other || other->type == FieldType::kNull || s.type() == FieldType::kNull) return false;
  if (cased_) return apply(s.text(), other->text, kind_);
  ascii_lower(other->text, tls_other_lowered);
  return apply(s.lowered(), tls_other_lowered, kind_);
}

}  // namespace tripline::sigma
