// Per-event cost of Lua rules: a trivial match rule and the IAM policy analyser of
// config/rules.d, next to the equivalent YAML (Sigma) rules and the same checks done natively.
// Every iteration builds and parses a fresh event, as the pipeline does, so field extraction is
// paid for; BM_EventOnly is that floor. Overhead of a rule = its time minus BM_EventOnly.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "collectors/parsers/jsonl_parser.h"
#include "core/event.h"
#include "rules/lua/lua_rule_set.h"
#include "rules/rule_loader.h"

namespace tripline {
namespace {

constexpr const char* kCreateUser =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA00000042EXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIA000000000042","userName":"alice"},"eventTime":"2023-11-14T22:13:20Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.13.0 Python/3.11.4 Linux/6.1 exe/x86_64.debian.12 prompt/off command/CreateUser","requestParameters":{"userName":"alice","maxItems":100},"responseElements":null,"requestID":"0000002a-1111-2222-3333-00000000002a","eventID":"0000002a-aaaa-bbbb-cccc-00000000002a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"})";

// A real-shaped PutRolePolicy (from the invictus recording) with a scoped policy: the analyser
// decodes and walks the document and finds nothing, the common case.
constexpr const char* kPutRolePolicy =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5AU2ZV3IE","arn":"arn:aws:iam::123837392027:user/bert-jan","accountId":"123837392027","accessKeyId":"AKIATFQR7NSC8Q4X20BJ","userName":"bert-jan"},"eventTime":"2023-07-10T12:02:42Z","eventSource":"iam.amazonaws.com","eventName":"PutRolePolicy","awsRegion":"us-east-1","sourceIPAddress":"192.168.10.20","userAgent":"stratus-red-team_abc","requestParameters":{"roleName":"stratus-red-team-get-usr-data-role","policyDocument":"{\"Statement\":[{\"Action\":[\"ec2:DescribeInstances\",\"ec2:DescribeInstanceAttribute\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\",\"Resource\":\"arn:aws:s3:::bucket/*\"}],\"Version\":\"2012-10-17\"}","policyName":"inline-policy"},"responseElements":null,"requestID":"1e0a4a5e-7f3c-4a2b-9d8e-2f6b0c1d2e3f","eventID":"5b0a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management"})";

constexpr const char* kTrivialRule = R"LUA(
rule { id = "bench-trivial", title = "Console login", sev = "SEV2",
       logsource = { product = "aws", service = "cloudtrail" },
       match = function(event) return event["eventName"] == "ConsoleLogin" end }
)LUA";

std::shared_ptr<InputInfo> cloudtrail_input() {
  auto input = std::make_shared<InputInfo>();
  input->name = "cloudtrail";
  input->logsource = {"aws", "cloudtrail", ""};
  return input;
}

std::shared_ptr<LuaMatcher> load_rule(const std::string& path) {
  Diagnostics diags;
  LuaLoadOptions options;
  options.limits.instances = 1;
  LuaRuleSet set = load_lua_rules({path}, options, diags);
  return set.matcher;
}

std::string write_temp(const char* name, const char* text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

// Builds, parses and hands each event to `rule`.
template <typename Rule>
void run(benchmark::State& state, const char* line, Rule&& rule) {
  const auto input = cloudtrail_input();
  JsonlParser parser;
  std::vector<Alert> alerts;
  uint64_t n = 0;
  for (auto _ : state) {
    Event e(input, line);
    e.set_position({"bench", n, n + 1});
    ++n;
    parser.parse(e);
    rule(e, alerts);
    alerts.clear();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EventOnly(benchmark::State& state) {
  run(state, kCreateUser,
      [](const Event& e, std::vector<Alert>&) { benchmark::DoNotOptimize(&e); });
}
BENCHMARK(BM_EventOnly);

// What the equivalent YAML rule (`eventName: ConsoleLogin`) costs once compiled: one field
// lookup and one comparison.
void BM_NativeTrivialMatch(benchmark::State& state) {
  const FieldPath name("eventName");
  run(state, kCreateUser, [&](const Event& e, std::vector<Alert>& alerts) {
    const FieldValue* v = e.find(name);
    if (v && v->text == "ConsoleLogin") alerts.push_back(alert_from_event(e, "native"));
  });
}
BENCHMARK(BM_NativeTrivialMatch);

// A YAML rule through the Sigma engine, loaded as the agent loads rules.
std::shared_ptr<Matcher> load_yaml(const char* name, const char* text) {
  const std::string dir = (std::filesystem::temp_directory_path() / name).string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/rule.yml") << text;
  RulesConfig config;
  config.paths = {dir};
  return load_rules(config, "", RuleLoadOptions{}).matcher;
}

void BM_YamlTrivialMatch(benchmark::State& state) {
  auto matcher = load_yaml("tripline_bench_yaml_trivial", R"YAML(title: Console login
id: bench-yaml-trivial
logsource: { product: aws, service: cloudtrail }
detection:
    login:
        eventName: ConsoleLogin
    condition: login
level: medium
)YAML");
  if (!matcher) return state.SkipWithError("rule did not load");
  run(state, kCreateUser,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_YamlTrivialMatch);

void BM_LuaTrivialMatch(benchmark::State& state) {
  auto matcher = load_rule(write_temp("tripline_bench_trivial.lua", kTrivialRule));
  if (!matcher) return state.SkipWithError("rule did not load");
  run(state, kCreateUser,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_LuaTrivialMatch);

std::string policy_rule_path() {
  return std::string(TRIPLINE_SOURCE_DIR) + "/config/rules.d/aws_iam_policy_wildcards.lua";
}

// The closest a YAML rule gets to the analyser: eventName in a list and the document text
// containing a wildcard action (`policyDocument|contains: '"Action":"*"'`), with no decoding.
void BM_NativePolicyContains(benchmark::State& state) {
  const FieldPath name("eventName");
  const FieldPath doc("requestParameters.policyDocument");
  run(state, kPutRolePolicy, [&](const Event& e, std::vector<Alert>& alerts) {
    const FieldValue* v = e.find(name);
    if (!v || v->text != "PutRolePolicy") return;
    const FieldValue* d = e.find(doc);
    if (d && d->text.find("\"Action\":\"*\"") != std::string::npos) {
      alerts.push_back(alert_from_event(e, "native"));
    }
  });
}
BENCHMARK(BM_NativePolicyContains);

void BM_YamlPolicyContains(benchmark::State& state) {
  auto matcher = load_yaml("tripline_bench_yaml_policy", R"YAML(title: Wildcard policy
id: bench-yaml-policy
logsource: { product: aws, service: cloudtrail }
detection:
    put:
        eventName: [CreatePolicy, CreatePolicyVersion, PutUserPolicy, PutRolePolicy, PutGroupPolicy]
        requestParameters.policyDocument|contains:
            - '"Action":"*"'
            - '"Action":"iam:*"'
            - 'NotAction'
            - 'iam:PassRole'
    condition: put
level: high
)YAML");
  if (!matcher) return state.SkipWithError("rule did not load");
  run(state, kPutRolePolicy,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_YamlPolicyContains);

void BM_LuaPolicyAnalyserOnPolicyEvent(benchmark::State& state) {
  auto matcher = load_rule(policy_rule_path());
  if (!matcher) return state.SkipWithError("rule did not load");
  run(state, kPutRolePolicy,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_LuaPolicyAnalyserOnPolicyEvent);

void BM_LuaPolicyAnalyserOnOtherEvent(benchmark::State& state) {
  auto matcher = load_rule(policy_rule_path());
  if (!matcher) return state.SkipWithError("rule did not load");
  run(state, kCreateUser,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_LuaPolicyAnalyserOnOtherEvent);

// Two threads on one matcher (instances = 2): the per-file state pool under contention.
void BM_LuaTrivialMatchTwoThreads(benchmark::State& state) {
  static std::shared_ptr<LuaMatcher> matcher;
  if (state.thread_index() == 0) {
    Diagnostics diags;
    LuaLoadOptions options;
    options.limits.instances = 2;
    matcher =
        load_lua_rules({write_temp("tripline_bench_trivial2.lua", kTrivialRule)}, options, diags)
            .matcher;
  }
  run(state, kCreateUser,
      [&](const Event& e, std::vector<Alert>& alerts) { matcher->evaluate(e, alerts); });
}
BENCHMARK(BM_LuaTrivialMatchTwoThreads)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace tripline
