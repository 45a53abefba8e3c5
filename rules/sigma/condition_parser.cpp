#include "rules/sigma/condition_parser.h"

#include <cctype>

namespace tripline::sigma {
namespace {

struct Token {
  enum class Type { kWord, kOpen, kClose, kPipe, kEnd } type = Type::kEnd;
  std::string text;
  std::string lower;
  size_t offset = 0;
};

std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == '|') {
      Token t;
      t.type = c == '(' ? Token::Type::kOpen : c == ')' ? Token::Type::kClose : Token::Type::kPipe;
      t.text = std::string(1, c);
      t.offset = i++;
      out.push_back(t);
    } else {
      Token t;
      t.type = Token::Type::kWord;
      t.offset = i;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '(' &&
             s[i] != ')' && s[i] != '|') {
        t.text.push_back(s[i++]);
      }
      for (char ch : t.text) t.lower.push_back(static_cast<char>(std::tolower(ch)));
      out.push_back(std::move(t));
    }
  }
  Token end;
  end.offset = s.size();
  out.push_back(end);
  return out;
}

class Parser {
 public:
  Parser(const Condition& cond, Diagnostics& diags, int max_depth)
      : cond_(cond), diags_(diags), max_depth_(max_depth), tokens_(tokenize(cond.text)) {}

  std::optional<ConditionNode> parse() {
    if (tokens_.size() == 1) {
      error(0, "condition is empty");
      return std::nullopt;
    }
    auto node = parse_or(0);
    if (!node) return std::nullopt;
    const Token& t = peek();
    if (t.type == Token::Type::kPipe) {
      aggregation_error(t);
      return std::nullopt;
    }
    if (t.type != Token::Type::kEnd) {
      if (t.lower == "near") {
        aggregation_error(t);
      } else {
        error(t.offset, "unexpected '" + t.text + "'");
      }
      return std::nullopt;
    }
    return node;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool is_word(const char* w) const {
    return peek().type == Token::Type::kWord && peek().lower == w;
  }
  int column(size_t offset) const {
    // Columns are exact for a condition written on its own line; multi-line scalars are rare.
    return cond_.mark.column > 0 && cond_.text.find('\n') == std::string::npos
               ? cond_.mark.column + static_cast<int>(offset)
               : cond_.mark.column;
  }
  void error(size_t offset, const std::string& message) {
    if (failed_) return;
    failed_ = true;
    diags_.error("rules.condition", cond_.mark.file, cond_.mark.line, column(offset),
                 "condition: " + message);
  }
  void aggregation_error(const Token& t) {
    if (failed_) return;
    failed_ = true;
    diags_.error("rules.deprecated-aggregation", cond_.mark.file, cond_.mark.line,
                 column(t.offset),
                 "the aggregation syntax ('| count() by ...', 'near') was removed from Sigma; "
                 "express it as a correlation rule (type event_count, value_count or temporal)");
  }
  bool deeper(int depth) {
    if (depth <= max_depth_) return true;
    error(peek().offset, "nested deeper than " + std::to_string(max_depth_) + " levels");
    return false;
  }

  std::optional<ConditionNode> parse_or(int depth) {
    if (!deeper(depth)) return std::nullopt;
    auto left = parse_and(depth + 1);
    if (!left) return std::nullopt;
    if (!is_word("or")) return left;
    ConditionNode n;
    n.kind = ConditionNode::Kind::kOr;
    n.column = left->column;
    n.children.push_back(std::move(*left));
    while (is_word("or")) {
      take();
      auto right = parse_and(depth + 1);
      if (!right) return std::nullopt;
      n.children.push_back(std::move(*right));
    }
    return n;
  }

  std::optional<ConditionNode> parse_and(int depth) {
    if (!deeper(depth)) return std::nullopt;
    auto left = parse_unary(depth + 1);
    if (!left) return std::nullopt;
    if (!is_word("and")) return left;
    ConditionNode n;
    n.kind = ConditionNode::Kind::kAnd;
    n.column = left->column;
    n.children.push_back(std::move(*left));
    while (is_word("and")) {
      take();
      auto right = parse_unary(depth + 1);
      if (!right) return std::nullopt;
      n.children.push_back(std::move(*right));
    }
    return n;
  }

  std::optional<ConditionNode> parse_unary(int depth) {
    if (!deeper(depth)) return std::nullopt;
    const Token& t = peek();
    switch (t.type) {
      case Token::Type::kEnd:
        error(t.offset, "expression expected at end of condition");
        return std::nullopt;
      case Token::Type::kClose:
        error(t.offset, "unexpected ')'");
        return std::nullopt;
      case Token::Type::kPipe:
        aggregation_error(t);
        return std::nullopt;
      case Token::Type::kOpen: {
        const size_t open_at = take().offset;
        auto inner = parse_or(depth + 1);
        if (!inner) return std::nullopt;
        if (peek().type != Token::Type::kClose) {
          if (peek().type == Token::Type::kPipe) {
            aggregation_error(peek());
          } else {
            error(open_at, "'(' is not closed");
          }
          return std::nullopt;
        }
        take();
        return inner;
      }
      case Token::Type::kWord:
        break;
    }
    if (t.lower == "not") {
      const size_t at = take().offset;
      auto inner = parse_unary(depth + 1);
      if (!inner) return std::nullopt;
      ConditionNode n;
      n.kind = ConditionNode::Kind::kNot;
      n.column = column(at);
      n.children.push_back(std::move(*inner));
      return n;
    }
    if (t.lower == "and" || t.lower == "or" || t.lower == "of") {
      error(t.offset, "'" + t.text + "' needs an expression before it");
      return std::nullopt;
    }
    if (t.lower == "near") {
      aggregation_error(t);
      return std::nullopt;
    }
    const Token word = take();
    const bool is_count =
        !word.lower.empty() && word.lower.find_first_not_of("0123456789") == std::string::npos;
    if (is_word("of")) {
      if (!is_count && word.lower != "all" && word.lower != "any") {
        error(word.offset, "'of' must follow a number, 'all' or 'any'");
        return std::nullopt;
      }
      take();
      const Token& target = peek();
      if (target.type != Token::Type::kWord || target.lower == "and" || target.lower == "or" ||
          target.lower == "not") {
        error(target.offset, "'" + word.text + " of' needs a search identifier pattern or 'them'");
        return std::nullopt;
      }
      ConditionNode n;
      n.kind = ConditionNode::Kind::kOf;
      n.column = column(word.offset);
      n.name = target.lower == "them" ? "them" : target.text;
      if (word.lower == "all") {
        n.count = 0;
      } else if (word.lower == "any") {
        n.count = 1;
      } else {
        if (word.lower.size() > 6 || std::stoi(word.lower) < 1) {
          error(word.offset, "'" + word.text + " of' needs a count of at least 1");
          return std::nullopt;
        }
        n.count = std::stoi(word.lower);
      }
      take();
      return n;
    }
    if (word.lower == "them" || word.lower == "all") {
      error(word.offset, "'" + word.text + "' must be used as '1 of them' / 'all of ...'");
      return std::nullopt;
    }
    ConditionNode n;
    n.kind = ConditionNode::Kind::kIdentifier;
    n.name = word.text;
    n.column = column(word.offset);
    return n;
  }

  const Condition& cond_;
  Diagnostics& diags_;
  int max_depth_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<ConditionNode> parse_condition(const Condition& cond, Diagnostics& diags,
                                             int max_depth) {
  Parser p(cond, diags, max_depth);
  return p.parse();
}

}  // namespace tripline::sigma
