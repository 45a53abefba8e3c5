#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/sigma/eval_context.h"
#include "rules/sigma/value_tests.h"

namespace tripline::sigma {

// What an expression needs to be true: for each listed field, the event's value must be one of
// the (lower-cased) literals. Used to index rules by the values they require.
struct Requirement {
  std::map<std::string, std::set<std::string>> fields;  // FieldRef::key → literals
  std::map<std::string, const FieldRef*> refs;          // FieldRef::key → how to read it
};

// The compiled condition of a rule: an immutable tree, evaluated by many threads at once.
class Node {
 public:
  virtual ~Node() = default;
  virtual bool eval(EvalContext& ctx) const = 0;
  // Null when no field literal is required (e.g. `not`, keywords, wildcards).
  virtual std::optional<Requirement> requirement() const { return std::nullopt; }
};
using NodePtr = std::unique_ptr<Node>;

class AndNode : public Node {
 public:
  explicit AndNode(std::vector<NodePtr> children) : children_(std::move(children)) {}
  bool eval(EvalContext& ctx) const override;
  std::optional<Requirement> requirement() const override;

 private:
  std::vector<NodePtr> children_;
};

class OrNode : public Node {
 public:
  explicit OrNode(std::vector<NodePtr> children) : children_(std::move(children)) {}
  bool eval(EvalContext& ctx) const override;
  std::optional<Requirement> requirement() const override;

 private:
  std::vector<NodePtr> children_;
};

class NotNode : public Node {
 public:
  explicit NotNode(NodePtr child) : child_(std::move(child)) {}
  bool eval(EvalContext& ctx) const override { return !child_->eval(ctx); }

 private:
  NodePtr child_;
};

// `field|modifiers: values`.
class FieldNode : public Node {
 public:
  FieldNode(FieldRef ref, std::vector<std::unique_ptr<ValueTest>> tests, bool all, bool negate)
      : ref_(std::move(ref)), tests_(std::move(tests)), all_(all), negate_(negate) {}
  bool eval(EvalContext& ctx) const override;
  std::optional<Requirement> requirement() const override;

 private:
  bool eval_value(const FieldValue& value, EvalContext& ctx) const;

  FieldRef ref_;
  std::vector<std::unique_ptr<ValueTest>> tests_;
  bool all_;
  bool negate_;
};

// Keyword search over the raw event. For JSON bodies each keyword is also tried in its
// JSON-escaped spelling (a backslash in a path is written `\\` inside the document).
class KeywordNode : public Node {
 public:
  struct Keyword {
    Pattern plain;
    std::optional<Pattern> json_escaped;
  };
  KeywordNode(std::vector<Keyword> keywords, bool all)
      : keywords_(std::move(keywords)), all_(all) {}
  bool eval(EvalContext& ctx) const override;

 private:
  std::vector<Keyword> keywords_;
  bool all_;
};

}  // namespace tripline::sigma
