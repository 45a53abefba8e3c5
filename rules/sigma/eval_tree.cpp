#include "rules/sigma/eval_tree.h"

namespace tripline::sigma {
namespace {

thread_local std::string tls_subject_lowered;
thread_local std::vector<std::pair<FieldType, std::string>> tls_elements;

}  // namespace

bool AndNode::eval(EvalContext& ctx) const {
  for (const NodePtr& c : children_) {
    if (!c->eval(ctx)) return false;
  }
  return true;
}

std::optional<Requirement> AndNode::requirement() const {
  std::optional<Requirement> out;
  for (const NodePtr& c : children_) {
    std::optional<Requirement> r = c->requirement();
    if (!r) continue;
    if (!out) {
      out = std::move(r);
      continue;
    }
    for (auto& [key, values] : r->fields) {
      auto it = out->fields.find(key);
      if (it == out->fields.end()) {
        out->fields.emplace(key, std::move(values));
        out->refs[key] = r->refs[key];
        continue;
      }
      std::set<std::string> both;
      for (const std::string& v : values) {
        if (it->second.count(v)) both.insert(v);
      }
      it->second = std::move(both);
    }
  }
  return out;
}

bool OrNode::eval(EvalContext& ctx) const {
  for (const NodePtr& c : children_) {
    if (c->eval(ctx)) return true;
  }
  return false;
}

std::optional<Requirement> OrNode::requirement() const {
  std::optional<Requirement> out;
  for (const NodePtr& c : children_) {
    std::optional<Requirement> r = c->requirement();
    if (!r) return std::nullopt;
    if (!out) {
      out = std::move(r);
      continue;
    }
    // Only fields every branch requires survive, with the union of their literals.
    for (auto it = out->fields.begin(); it != out->fields.end();) {
      auto other = r->fields.find(it->first);
      if (other == r->fields.end()) {
        out->refs.erase(it->first);
        it = out->fields.erase(it);
        continue;
      }
      it->second.insert(other->second.begin(), other->second.end());
      ++it;
    }
    if (out->fields.empty()) return std::nullopt;
  }
  return out;
}

bool FieldNode::eval_value(const FieldValue& value, EvalContext& ctx) const {
  const bool is_array = value.type == FieldType::kArray;
  if (is_array) {
    tls_elements.clear();
    array_elements(value.text, tls_elements);
  }
  // Local copy: a fieldref test may resolve another array field and reuse tls_elements.
  const std::vector<std::pair<FieldType, std::string>> elements =
      is_array ? tls_elements : std::vector<std::pair<FieldType, std::string>>{};
  Subject whole(value.type, value.text, tls_subject_lowered);
  for (const auto& t : tests_) {
    bool ok = false;
    if (!is_array || t->whole_value()) {
      ok = t->test(whole, ctx);
    } else {
      for (const auto& [type, text] : elements) {
        Subject s(type, text, tls_subject_lowered);
        if (t->test(s, ctx)) {
          ok = true;
          break;
        }
      }
    }
    if (all_ && !ok) return false;
    if (!all_ && ok) return true;
  }
  return all_;
}

bool FieldNode::eval(EvalContext& ctx) const {
  const FieldValue* v = resolve(ctx.event(), ref_);
  bool result;
  if (!v) {
    result = all_;
    for (const auto& t : tests_) {
      const bool ok = t->on_absent();
      if (all_ && !ok) {
        result = false;
        break;
      }
      if (!all_ && ok) {
        result = true;
        break;
      }
    }
  } else {
    result = eval_value(*v, ctx);
  }
  return negate_ ? !result : result;
}

std::optional<Requirement> FieldNode::requirement() const {
  if (negate_ || tests_.empty()) return std::nullopt;
  std::set<std::string> literals;
  for (const auto& t : tests_) {
    const std::string* lit = t->exact_literal();
    if (!lit) {
      if (all_) continue;  // another value of the AND still pins the field
      return std::nullopt;
    }
    literals.insert(ascii_lower(*lit));
    if (all_) break;  // every value must equal the field: any one of them is required
  }
  if (literals.empty()) return std::nullopt;
  Requirement r;
  r.fields.emplace(ref_.key, std::move(literals));
  r.refs.emplace(ref_.key, &ref_);
  return r;
}

bool KeywordNode::eval(EvalContext& ctx) const {
  const bool json = ctx.event().body() == Event::Body::kJson;
  for (const Keyword& k : keywords_) {
    bool ok;
    if (k.plain.cased()) {
      ok = k.plain.match(ctx.raw(), {}) ||
           (json && k.json_escaped && k.json_escaped->match(ctx.raw(), {}));
    } else {
      const std::string_view low = ctx.raw_lowered();
      ok = k.plain.match({}, low) || (json && k.json_escaped && k.json_escaped->match({}, low));
    }
    if (all_ && !ok) return false;
    if (!all_ && ok) return true;
  }
  return all_;
}

}  // namespace tripline::sigma
