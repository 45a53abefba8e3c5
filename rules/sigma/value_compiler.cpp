// Value modifiers: `field|mod1|mod2: values` → FieldNode. Transformations (contains, wide,
// base64, windash, ...) apply in the order written, as in pySigma; type modifiers (re, cidr,
// gt, exists, fieldref, ...) choose the kind of test.
#include <algorithm>
#include <set>

#include "rules/sigma/detection_compiler.h"

namespace tripline::sigma {
namespace {

struct Modifiers {
  bool all = false, cased = false, neq = false, expand = false;
  bool re = false, re_i = false, re_m = false, re_s = false;
  bool cidr = false, exists = false, fieldref = false;
  std::optional<CompareOp> cmp;
  std::optional<TimePartTest::Part> time_part;
  std::vector<std::string> transforms;  // contains, startswith, endswith, encodings, windash
};

const std::set<std::string> kTransforms = {"contains", "startswith", "endswith", "base64",
                                           "base64offset", "utf16le", "utf16be", "wide",
                                           "utf16", "windash"};

struct FieldCompiler {
  const FieldSpec& spec;
  const CompileEnv& env;
  Diagnostics& diags;
  Modifiers mods;

  void error(const SourceMark& m, const char* code, const std::string& message) {
    diags.error(code, m.file, m.line, m.column, message);
  }
  std::string what() const { return spec.field.empty() ? "keyword" : "'" + spec.field + "'"; }

  bool parse_modifiers() {
    for (const std::string& m : spec.modifiers) {
      if (kTransforms.count(m)) {
        mods.transforms.push_back(m);
      } else if (m == "all") {
        mods.all = true;
      } else if (m == "cased") {
        mods.cased = true;
      } else if (m == "neq") {
        mods.neq = true;
      } else if (m == "expand") {
        mods.expand = true;
      } else if (m == "re") {
        mods.re = true;
      } else if (m == "i") {
        mods.re_i = true;
      } else if (m == "m") {
        mods.re_m = true;
      } else if (m == "s") {
        mods.re_s = true;
      } else if (m == "cidr") {
        mods.cidr = true;
      } else if (m == "exists") {
        mods.exists = true;
      } else if (m == "fieldref") {
        mods.fieldref = true;
      } else if (m == "gt" || m == "gte" || m == "lt" || m == "lte") {
        if (mods.cmp) {
          error(spec.mark, "rules.modifier", what() + ": only one of gt, gte, lt, lte");
          return false;
        }
        mods.cmp = m == "gt" ? CompareOp::kGt : m == "gte" ? CompareOp::kGte
                   : m == "lt" ? CompareOp::kLt : CompareOp::kLte;
      } else if (m == "minute" || m == "hour" || m == "day" || m == "week" || m == "month" ||
                 m == "year") {
        using P = TimePartTest::Part;
        mods.time_part = m == "minute" ? P::kMinute : m == "hour" ? P::kHour : m == "day" ? P::kDay
                         : m == "week" ? P::kWeek : m == "month" ? P::kMonth : P::kYear;
      } else {
        error(spec.mark, "rules.unknown-modifier",
              what() + ": unknown value modifier '" + m + "'");
        return false;
      }
    }
    return check_combination();
  }

  bool check_combination() {
    const bool regex_flags = mods.re_i || mods.re_m || mods.re_s;
    if (regex_flags && !mods.re) {
      error(spec.mark, "rules.modifier", what() + ": i, m and s only qualify the re modifier");
      return false;
    }
    const int kinds = mods.re + mods.cidr + mods.exists + mods.fieldref +
                      (mods.cmp || mods.time_part ? 1 : 0);
    if (kinds > 1) {
      error(spec.mark, "rules.modifier",
            what() + ": re, cidr, exists, fieldref and numeric comparisons exclude each other");
      return false;
    }
    if (kinds == 1 && !mods.fieldref && (!mods.transforms.empty() || mods.expand)) {
      error(spec.mark, "rules.modifier",
            what() + ": string transformations do not apply to re, cidr, exists or comparisons");
      return false;
    }
    if (mods.fieldref) {
      for (const std::string& t : mods.transforms) {
        if (t != "contains" && t != "startswith" && t != "endswith") {
          error(spec.mark, "rules.modifier", what() + ": fieldref combines only with contains, "
                                                      "startswith, endswith, cased, neq, all");
          return false;
        }
      }
    }
    if (mods.all && spec.values.size() == 1 && !spec.field.empty()) {
      diags.warning("rules.all-single-value", spec.mark.file, spec.mark.line, spec.mark.column,
                    what() + ": 'all' with a single value has no effect");
    }
    return true;
  }

  FieldRef field_ref(const std::string& name) const {
    return make_field_ref(name, env.catalog.paths_for(env.logsource, env.taxonomy, name));
  }

  // The Sigma strings one value stands for after placeholder expansion and transformations.
  bool strings_for(const Value& v, std::vector<SigmaString>& out, bool& force_cased) {
    std::vector<SigmaString> cur;
    if (mods.expand) {
      std::string missing;
      if (!expand_placeholders(v.text, env.placeholders, env.limits.max_value_expansions, cur,
                               missing)) {
        if (missing.empty()) {
          error(v.mark, "rules.limit", what() + ": placeholders expand to more than " +
                                           std::to_string(env.limits.max_value_expansions) +
                                           " values (rules.limits.max_value_expansions)");
          return false;
        }
        const std::string msg = what() + ": placeholder %" + missing +
                                "% has no values in rules.placeholders";
        if (env.placeholders_required) {
          error(v.mark, "rules.placeholder", msg);
          return false;
        }
        diags.warning("rules.placeholder", v.mark.file, v.mark.line, v.mark.column,
                      msg + "; it matches nothing until configured");
        return true;  // no strings: the value can never match
      }
    } else {
      cur.push_back(SigmaString::parse(v.text));
    }
    for (const std::string& t : mods.transforms) {
      std::vector<SigmaString> next;
      for (SigmaString& s : cur) {
        if (t == "contains") {
          s.prepend_star();
          s.append_star();
          next.push_back(std::move(s));
        } else if (t == "startswith") {
          s.append_star();
          next.push_back(std::move(s));
        } else if (t == "endswith") {
          s.prepend_star();
          next.push_back(std::move(s));
        } else if (t == "wide" || t == "utf16le") {
          next.push_back(encode_utf16(s, Utf16::kLe));
        } else if (t == "utf16be") {
          next.push_back(encode_utf16(s, Utf16::kBe));
        } else if (t == "utf16") {
          next.push_back(encode_utf16(s, Utf16::kLeBom));
        } else if (t == "base64" || t == "base64offset") {
          if (s.has_wildcards()) {
            error(v.mark, "rules.modifier",
                  what() + ": " + t + " cannot encode a value with wildcards (write contains "
                                      "after " + t + ", not before)");
            return false;
          }
          // Base64 text is case-significant: matching it case-insensitively would accept
          // strings that decode to something else.
          force_cased = true;
          if (t == "base64") {
            next.push_back(SigmaString::literal(base64_encode(s.plain())));
          } else {
            for (std::string& e : base64_offsets(s.plain())) {
              next.push_back(SigmaString::literal(e));
            }
          }
        } else if (t == "windash") {
          if (!windash_variants(s, env.limits.max_value_expansions, next)) {
            error(v.mark, "rules.limit", what() + ": windash expands to too many variants");
            return false;
          }
        }
      }
      if (next.size() > env.limits.max_value_expansions) {
        error(v.mark, "rules.limit", what() + ": value expands to more than " +
                                         std::to_string(env.limits.max_value_expansions) +
                                         " variants (rules.limits.max_value_expansions)");
        return false;
      }
      cur = std::move(next);
    }
    out = std::move(cur);
    return true;
  }

  std::unique_ptr<ValueTest> regex_test(const Value& v) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(static_cast<int64_t>(env.limits.regex_max_mem));
    opts.set_case_sensitive(!mods.re_i);
    std::string flags;
    if (mods.re_m) flags += "m";
    if (mods.re_s) flags += "s";
    const std::string pattern = flags.empty() ? v.text : "(?" + flags + ")" + v.text;
    auto re = std::make_unique<RE2>(pattern, opts);
    if (!re->ok()) {
      error(v.mark, "rules.regex",
            what() + ": regular expression not supported by RE2 (" + re->error() +
                "); RE2 has no lookaround or backreferences");
      return nullptr;
    }
    return std::make_unique<RegexTest>(std::move(re));
  }

  std::unique_ptr<ValueTest> typed_test(const Value& v) {
    if (mods.re) return regex_test(v);
    if (mods.cidr) {
      auto net = CidrNetwork::parse(v.text);
      if (!net) {
        error(v.mark, "rules.cidr", what() + ": '" + v.text + "' is not an IPv4/IPv6 CIDR range");
        return nullptr;
      }
      return std::make_unique<CidrTest>(*net);
    }
    if (mods.exists) {
      const std::string t = ascii_lower(v.text);
      if (t != "true" && t != "false" && t != "yes" && t != "no") {
        error(v.mark, "rules.exists", what() + ": exists takes true or false");
        return nullptr;
      }
      return std::make_unique<ExistsTest>(t == "true" || t == "yes");
    }
    if (mods.fieldref) {
      FieldRefTest::Kind kind = FieldRefTest::Kind::kEqual;
      const auto has = [&](const char* t) {
        return std::find(mods.transforms.begin(), mods.transforms.end(), t) !=
               mods.transforms.end();
      };
      if (has("contains") || (has("startswith") && has("endswith"))) {
        kind = FieldRefTest::Kind::kContains;
      } else if (has("startswith")) {
        kind = FieldRefTest::Kind::kPrefix;
      } else if (has("endswith")) {
        kind = FieldRefTest::Kind::kSuffix;
      }
      return std::make_unique<FieldRefTest>(field_ref(v.text), kind, mods.cased);
    }
    double number = 0;
    if (!parse_number(v.text, number)) {
      error(v.mark, "rules.number", what() + ": '" + v.text + "' is not a number");
      return nullptr;
    }
    if (mods.time_part) {
      return std::make_unique<TimePartTest>(*mods.time_part, mods.cmp.value_or(CompareOp::kEq),
                                            number);
    }
    return std::make_unique<NumericTest>(*mods.cmp, number);
  }

  NodePtr compile() {
    if (!parse_modifiers()) return nullptr;
    const bool typed = mods.re || mods.cidr || mods.exists || mods.fieldref || mods.cmp ||
                       mods.time_part;
    // Tests grouped per written value: variants of one value are OR-linked even under `all`.
    std::vector<std::vector<std::unique_ptr<ValueTest>>> groups;
    bool has_null = false;
    for (const Value& v : spec.values) {
      std::vector<std::unique_ptr<ValueTest>> group;
      if (v.is_null) {
        if (typed || !mods.transforms.empty() || mods.expand) {
          error(v.mark, "rules.null-modifier", what() + ": null takes no value modifiers");
          return nullptr;
        }
        has_null = true;
        group.push_back(std::make_unique<NullTest>());
      } else if (typed) {
        auto t = typed_test(v);
        if (!t) return nullptr;
        group.push_back(std::move(t));
      } else {
        std::vector<SigmaString> strings;
        bool force_cased = false;
        if (!strings_for(v, strings, force_cased)) return nullptr;
        for (const SigmaString& s : strings) {
          group.push_back(std::make_unique<PatternTest>(Pattern(s, mods.cased || force_cased)));
        }
      }
      groups.push_back(std::move(group));
    }
    if (has_null && spec.values.size() > 1) {
      diags.warning("rules.null-in-list", spec.mark.file, spec.mark.line, spec.mark.column,
                    what() + ": null in a value list (Sigma asks for a separate selection)");
    }
    const FieldRef ref = field_ref(spec.field);
    const bool any_expanded = std::any_of(groups.begin(), groups.end(),
                                          [](const auto& g) { return g.size() != 1; });
    if (!mods.all || !any_expanded) {
      std::vector<std::unique_ptr<ValueTest>> tests;
      for (auto& g : groups) {
        for (auto& t : g) tests.push_back(std::move(t));
      }
      return std::make_unique<FieldNode>(ref, std::move(tests), mods.all, mods.neq);
    }
    std::vector<NodePtr> per_value;
    for (auto& g : groups) {
      per_value.push_back(std::make_unique<FieldNode>(ref, std::move(g), false, false));
    }
    NodePtr all = std::make_unique<AndNode>(std::move(per_value));
    return mods.neq ? std::make_unique<NotNode>(std::move(all)) : std::move(all);
  }
};

std::string json_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A keyword matches anywhere in the raw event; JSON bodies also get the escaped spelling.
KeywordNode::Keyword keyword_of(SigmaString s, bool cased) {
  s.prepend_star();
  s.append_star();
  KeywordNode::Keyword k{Pattern(s, cased), std::nullopt};
  SigmaString escaped;
  bool differs = false;
  for (const auto& p : s.parts) {
    if (p.kind == SigmaString::Part::kLiteral) {
      std::string e = json_escaped(p.text);
      differs |= e != p.text;
      escaped.append_literal(e);
    } else if (p.kind == SigmaString::Part::kStar) {
      escaped.append_star();
    } else {
      escaped.parts.push_back(p);
    }
  }
  if (differs) k.json_escaped = Pattern(escaped, cased);
  return k;
}

}  // namespace

NodePtr compile_field(const FieldSpec& spec, const CompileEnv& env, Diagnostics& diags) {
  if (spec.field.empty()) {
    // '|all': [...] and friends: keywords with modifiers.
    FieldCompiler fc{spec, env, diags, {}};
    if (!fc.parse_modifiers()) return nullptr;
    if (fc.mods.re || fc.mods.cidr || fc.mods.exists || fc.mods.fieldref || fc.mods.cmp ||
        fc.mods.time_part || fc.mods.neq) {
      diags.error("rules.modifier", spec.mark.file, spec.mark.line, spec.mark.column,
                  "keyword searches take only string modifiers (all, cased, contains, encodings, "
                  "windash, expand)");
      return nullptr;
    }
    // One group of keyword patterns per written value; a value's variants are OR-linked.
    std::vector<std::vector<KeywordNode::Keyword>> groups;
    for (const Value& v : spec.values) {
      if (v.is_null) {
        diags.error("rules.value-type", v.mark.file, v.mark.line, v.mark.column,
                    "a keyword cannot be null");
        return nullptr;
      }
      std::vector<SigmaString> strings;
      bool force_cased = false;
      if (!fc.strings_for(v, strings, force_cased)) return nullptr;
      std::vector<KeywordNode::Keyword> group;
      for (SigmaString& s : strings) group.push_back(keyword_of(s, fc.mods.cased || force_cased));
      groups.push_back(std::move(group));
    }
    const bool expanded = std::any_of(groups.begin(), groups.end(),
                                      [](const auto& g) { return g.size() != 1; });
    if (!fc.mods.all || !expanded) {
      std::vector<KeywordNode::Keyword> keywords;
      for (auto& g : groups) {
        for (auto& k : g) keywords.push_back(std::move(k));
      }
      return std::make_unique<KeywordNode>(std::move(keywords), fc.mods.all);
    }
    std::vector<NodePtr> per_value;
    for (auto& g : groups) per_value.push_back(std::make_unique<KeywordNode>(std::move(g), false));
    return std::make_unique<AndNode>(std::move(per_value));
  }
  FieldCompiler fc{spec, env, diags, {}};
  return fc.compile();
}

NodePtr compile_keywords(const std::vector<Value>& keywords, const CompileEnv& env,
                         Diagnostics& diags) {
  FieldSpec spec;
  spec.values = keywords;
  spec.values_listed = true;
  if (!keywords.empty()) spec.mark = keywords.front().mark;
  return compile_field(spec, env, diags);
}

}  // namespace tripline::sigma
