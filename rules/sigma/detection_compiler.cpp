#include "rules/sigma/detection_compiler.h"

#include <map>
#include <set>

#include "rules/sigma/condition_parser.h"

namespace tripline::sigma {
namespace {

// Shares one compiled search identifier between the places a condition names it.
class SharedNode : public Node {
 public:
  explicit SharedNode(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  bool eval(EvalContext& ctx) const override { return node_->eval(ctx); }
  std::optional<Requirement> requirement() const override { return node_->requirement(); }

 private:
  std::shared_ptr<const Node> node_;
};

// `N of pattern` for N > 1.
class AtLeastNode : public Node {
 public:
  AtLeastNode(std::vector<NodePtr> children, size_t n) : children_(std::move(children)), n_(n) {}
  bool eval(EvalContext& ctx) const override {
    size_t hits = 0;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (children_[i]->eval(ctx) && ++hits >= n_) return true;
      if (hits + (children_.size() - i - 1) < n_) return false;
    }
    return false;
  }

 private:
  std::vector<NodePtr> children_;
  size_t n_;
};

bool glob_match(const std::string& pattern, const std::string& name) {
  return Pattern(SigmaString::parse(pattern), true).match(name, {});
}

NodePtr compile_map(const SearchMap& map, const CompileEnv& env, Diagnostics& diags) {
  std::vector<NodePtr> parts;
  bool ok = true;
  for (const FieldSpec& spec : map.fields) {
    NodePtr n = compile_field(spec, env, diags);
    if (!n) {
      ok = false;
      continue;
    }
    parts.push_back(std::move(n));
  }
  if (!ok) return nullptr;
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<AndNode>(std::move(parts));
}

NodePtr compile_identifier(const SearchIdentifier& id, const CompileEnv& env,
                           Diagnostics& diags) {
  std::vector<NodePtr> alternatives;
  bool ok = true;
  if (!id.keywords.empty()) {
    NodePtr k = compile_keywords(id.keywords, env, diags);
    if (k) {
      alternatives.push_back(std::move(k));
    } else {
      ok = false;
    }
  }
  for (const SearchMap& m : id.maps) {
    NodePtr n = compile_map(m, env, diags);
    if (n) {
      alternatives.push_back(std::move(n));
    } else {
      ok = false;
    }
  }
  if (!ok || alternatives.empty()) return nullptr;
  if (alternatives.size() == 1) return std::move(alternatives.front());
  return std::make_unique<OrNode>(std::move(alternatives));
}

class ConditionBuilder {
 public:
  ConditionBuilder(const std::map<std::string, std::shared_ptr<const Node>>& ids,
                   const Condition& cond, Diagnostics& diags)
      : ids_(ids), cond_(cond), diags_(diags) {}

  std::set<std::string> used;

  NodePtr build(const ConditionNode& c) {
    switch (c.kind) {
      case ConditionNode::Kind::kIdentifier: {
        auto it = ids_.find(c.name);
        if (it == ids_.end()) {
          error(c, "rules.unknown-identifier",
                "condition names '" + c.name + "', which the detection does not define");
          return nullptr;
        }
        used.insert(c.name);
        return std::make_unique<SharedNode>(it->second);
      }
      case ConditionNode::Kind::kOf: {
        std::vector<NodePtr> children;
        for (const auto& [name, node] : ids_) {
          const bool hit = c.name == "them" ? name.empty() || name[0] != '_'
                                            : glob_match(c.name, name);
          if (!hit) continue;
          used.insert(name);
          children.push_back(std::make_unique<SharedNode>(node));
        }
        if (children.empty()) {
          error(c, "rules.unknown-identifier",
                "'" + c.name + "' matches no search identifier of the detection");
          return nullptr;
        }
        if (c.count == 0) return std::make_unique<AndNode>(std::move(children));
        if (c.count == 1) return std::make_unique<OrNode>(std::move(children));
        if (static_cast<size_t>(c.count) > children.size()) {
          diags_.warning("rules.condition", cond_.mark.file, cond_.mark.line, c.column,
                         std::to_string(c.count) + " of '" + c.name + "' can never hold: only " +
                             std::to_string(children.size()) + " identifiers match");
        }
        return std::make_unique<AtLeastNode>(std::move(children), static_cast<size_t>(c.count));
      }
      case ConditionNode::Kind::kNot: {
        NodePtr inner = build(c.children.front());
        if (!inner) return nullptr;
        return std::make_unique<NotNode>(std::move(inner));
      }
      case ConditionNode::Kind::kAnd:
      case ConditionNode::Kind::kOr: {
        std::vector<NodePtr> children;
        for (const ConditionNode& child : c.children) {
          NodePtr n = build(child);
          if (!n) return nullptr;
          children.push_back(std::move(n));
        }
        if (c.kind == ConditionNode::Kind::kAnd) {
          return std::make_unique<AndNode>(std::move(children));
        }
        return std::make_unique<OrNode>(std::move(children));
      }
    }
    return nullptr;
  }

 private:
  void error(const ConditionNode& c, const char* code, const std::string& message) {
    diags_.error(code, cond_.mark.file, cond_.mark.line, c.column, message);
  }

  const std::map<std::string, std::shared_ptr<const Node>>& ids_;
  const Condition& cond_;
  Diagnostics& diags_;
};

}  // namespace

NodePtr compile_detection(const Detection& detection, const CompileEnv& env, Diagnostics& diags) {
  std::map<std::string, std::shared_ptr<const Node>> ids;
  bool ok = true;
  for (const SearchIdentifier& id : detection.identifiers) {
    NodePtr n = compile_identifier(id, env, diags);
    if (!n) {
      ok = false;
      continue;
    }
    ids.emplace(id.name, std::shared_ptr<const Node>(std::move(n)));
  }
  std::vector<NodePtr> conditions;
  std::set<std::string> used;
  for (const Condition& cond : detection.conditions) {
    std::optional<ConditionNode> parsed = parse_condition(cond, diags, env.limits.max_condition_depth);
    if (!parsed) {
      ok = false;
      continue;
    }
    if (!ok) continue;  // identifiers failed: resolving would only repeat their errors
    ConditionBuilder builder(ids, cond, diags);
    NodePtr n = builder.build(*parsed);
    if (!n) {
      ok = false;
      continue;
    }
    used.insert(builder.used.begin(), builder.used.end());
    conditions.push_back(std::move(n));
  }
  if (!ok) return nullptr;
  for (const SearchIdentifier& id : detection.identifiers) {
    if (!used.count(id.name)) {
      diags.warning("rules.unused-identifier", id.mark.file, id.mark.line, id.mark.column,
                    "search identifier '" + id.name + "' is not used by the condition");
    }
  }
  if (conditions.size() == 1) return std::move(conditions.front());
  return std::make_unique<OrNode>(std::move(conditions));
}

}  // namespace tripline::sigma
