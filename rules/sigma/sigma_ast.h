#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/logsource.h"

namespace tripline::sigma {

// The reader's output: Sigma YAML documents as plain data, every node keeping the file:line:col
// it was written at so the compiler can point its errors there. Nothing here is compiled yet.

// One scalar from a detection: a field value or a keyword.
struct Value {
  std::string text;
  bool is_null = false;  // YAML null (`null`, `~` or an empty value), not the string 'null'
  bool quoted = false;   // written with quotes: never a number
  SourceMark mark;
};

// `field|mod1|mod2: value(s)` inside a search identifier. An empty field name ('|all': [...])
// is a keyword search over the raw event.
struct FieldSpec {
  std::string field;
  std::vector<std::string> modifiers;
  std::vector<Value> values;
  bool values_listed = false;  // the YAML value was a list (OR-linked unless `all`)
  SourceMark mark;             // of the key
};

// A mapping: every field spec must hold (AND).
struct SearchMap {
  std::vector<FieldSpec> fields;
  SourceMark mark;
};

// A named search identifier. A mapping is one SearchMap; a list links its items with OR, where a
// scalar item is a keyword and a mapping item a SearchMap.
struct SearchIdentifier {
  std::string name;
  std::vector<SearchMap> maps;
  std::vector<Value> keywords;
  bool is_list = false;
  SourceMark mark;
};

struct Condition {
  std::string text;
  SourceMark mark;
};

struct Detection {
  std::vector<SearchIdentifier> identifiers;
  std::vector<Condition> conditions;  // a list of conditions is OR-linked
  SourceMark mark;
};

struct LogSourceSpec {
  LogSource logsource;
  SourceMark mark;
};

// Reference to another rule by id or name (filters, correlations).
struct RuleRef {
  std::string ref;
  SourceMark mark;
};

// Tripline extension `tests:`; one embedded test case.
struct TestEvent {
  std::string text;  // a JSON document, or a raw log line when `is_log`
  bool is_log = false;
  SourceMark mark;
};

struct TestCase {
  std::string name;
  std::vector<TestEvent> events;
  enum class Expect { kMatch, kNoMatch, kAlerts } expect = Expect::kMatch;
  uint64_t expect_alerts = 0;
  std::optional<LogSource> logsource;  // default: the rule's
  std::string format;                  // parser for `log` lines; default from the logsource
  SourceMark mark;
};

// Tripline extension `throttle:`; enforced by the alert lifecycle, carried here.
struct Throttle {
  std::chrono::milliseconds window{0};
  uint64_t max_alerts = 1;
  SourceMark mark;
};

struct RelatedRule {
  std::string id;
  std::string type;
};

// Metadata every document kind shares.
struct DocumentHeader {
  std::string file;
  SourceMark mark;  // start of the document
  std::string title;
  std::string id;
  SourceMark id_mark;
  std::string name;
  std::string taxonomy;  // empty = sigma
  std::string status;
  std::string description;
  std::string author;
  std::string date;
  std::string modified;
  std::string level;
  SourceMark level_mark;
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> falsepositives;
};

struct Rule {
  DocumentHeader header;
  std::vector<RelatedRule> related;
  std::string license;
  LogSourceSpec logsource;
  Detection detection;
  std::vector<std::string> fields;
  std::vector<std::string> scope;
  // Tripline extensions.
  std::string sev;
  SourceMark sev_mark;
  std::string runbook;
  std::optional<Throttle> throttle;
  std::vector<TestCase> tests;
};

// Sigma filter (meta-rule): excludes the events its detection matches from the named rules.
struct Filter {
  DocumentHeader header;
  LogSourceSpec logsource;
  std::vector<RuleRef> rules;
  Detection detection;
};

// Sigma correlation rule; read and validated here, evaluated by the correlation engine.
struct Correlation {
  DocumentHeader header;
  std::string type;
  std::vector<RuleRef> rules;
  std::vector<std::string> group_by;
  std::chrono::milliseconds timespan{0};
  struct Bound {
    std::string op;  // gt gte lt lte eq neq
    double value = 0;
  };
  std::vector<Bound> condition;
  std::vector<std::string> condition_fields;
  struct Alias {
    std::string name;
    std::vector<std::pair<std::string, std::string>> fields;  // rule name → field
  };
  std::vector<Alias> aliases;
  bool generate = false;
  SourceMark mark;  // of the correlation section
  // Tripline extensions, as on rules.
  std::string sev;
  SourceMark sev_mark;
  std::string runbook;
  std::optional<Throttle> throttle;
  std::vector<TestCase> tests;
};

// Tripline extension `baseline:` (rules/baseline/): an anomaly rule over the matches of other
// rules, per group-by key. Read here with the other documents; compiled and evaluated by the
// baseline engine.
struct Baseline {
  DocumentHeader header;
  std::string type;                  // rate_spike | first_seen | ratio
  std::vector<RuleRef> rules;        // whose matches are counted (ratio: the total)
  std::optional<RuleRef> numerator;  // ratio: the part whose share is measured
  std::vector<std::string> group_by;
  std::chrono::milliseconds window{0};    // rate_spike, ratio: fixed windows (epoch-aligned)
  uint64_t warmup = 0;                    // rate_spike: windows learned before it may fire
  double factor = 0;                      // rate_spike: fires above factor x baseline ...
  uint64_t min_count = 0;                 // ... and at min_count events at least
  double alpha = 0;                       // rate_spike: EWMA weight of the newest window
  std::vector<std::string> fields;        // first_seen: the value whose novelty is tracked
  std::chrono::milliseconds learning{0};  // first_seen: per key, from its first event
  double threshold = 0;                   // ratio: fires when part/total > threshold ...
  uint64_t min_total = 0;                 // ... with min_total events at least
  uint64_t max_keys = 0;                  // 0: the engine default
  bool generate = false;                  // referenced rules also alert on their own
  std::string sev;
  SourceMark sev_mark;
  std::string runbook;
  std::vector<TestCase> tests;
  SourceMark mark;  // of the baseline section
};

// How Sigma field names map onto the events of one logsource (config/logsources/*.yml, or a
// `logsource_mapping:` document among the rules). Not code: a table.
struct LogSourceMapping {
  LogSource logsource;
  std::string taxonomy;             // the rules' taxonomy it serves; empty = sigma
  std::vector<LogSource> implies;   // events of this logsource also satisfy these (sshd → auth)
  // Sigma field → event paths tried in order (the first present wins).
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  // Field-name prefix rewrites for names without an entry: the longest matching prefix is
  // replaced by each of its targets in turn ("" matches every name).
  std::vector<std::pair<std::string, std::vector<std::string>>> prefixes;
  std::string file;
  SourceMark mark;
};

// Everything one or more rule files hold, in file order.
struct DocumentSet {
  std::vector<Rule> rules;
  std::vector<Filter> filters;
  std::vector<Correlation> correlations;
  std::vector<Baseline> baselines;
  std::vector<LogSourceMapping> mappings;
  size_t files = 0;
};

}  // namespace tripline::sigma
