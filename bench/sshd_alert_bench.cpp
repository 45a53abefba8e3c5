// Micro benchmarks of the stages one sshd failure goes through in `tripline replay` with the
// default sshd packs (issue #4): syslog + sshd parsing, rendering the event as JSON, and writing
// the alert line. bench/correlation_bench.sh measures the whole process.
#include <benchmark/benchmark.h>

#include <string>

#include "collectors/parsers/syslog_parser.h"
#include "core/alert.h"
#include "core/digest.h"
#include "core/event.h"
#include "core/event_rendering.h"

namespace tripline {
namespace {

constexpr const char* kFailed =
    "Nov  1 00:00:00 web-00 sshd[74523]: Failed password for invalid user guest from "
    "95.21.152.171 port 12629 ssh2";
constexpr const char* kAccepted =
    "Nov  1 00:00:01 web-02 sshd[93994]: Accepted publickey for root from 188.83.131.226 port "
    "24797 ssh2: RSA SHA256:3q2+7w";
constexpr const char* kDisconnected =
    "Nov  1 00:00:00 web-01 sshd[75363]: Disconnected from authenticating user test "
    "162.149.221.7 port 61237 [preauth]";

std::shared_ptr<InputInfo> replay_input() {
  auto input = std::make_shared<InputInfo>();
  input->name = "replay";
  input->host = "bench-host";
  input->logsource = {"linux", "auth", ""};
  return input;
}

// Arg: 0 a failed password (exact fast path), 1 an accepted key (fast path), 2 a disconnect
// (RE2).
void BM_SyslogSshdParse(benchmark::State& state) {
  const char* lines[] = {kFailed, kAccepted, kDisconnected};
  const char* line = lines[state.range(0)];
  auto input = replay_input();
  const SyslogParser parser(TimestampZone::kUtc);
  for (auto _ : state) {
    Event e(input, line);
    e.set_receive_time(TimePoint(std::chrono::seconds(1'700'000'000)));
    benchmark::DoNotOptimize(parser.parse(e));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SyslogSshdParse)->Arg(0)->Arg(1)->Arg(2);

// The same with one Event reused per line, as replay does (Event::reset keeps its buffers).
void BM_SyslogSshdParseReusedEvent(benchmark::State& state) {
  const char* lines[] = {kFailed, kAccepted, kDisconnected};
  const char* line = lines[state.range(0)];
  auto input = replay_input();
  const SyslogParser parser(TimestampZone::kUtc);
  Event e;
  for (auto _ : state) {
    e.reset(input, line);
    e.set_receive_time(TimePoint(std::chrono::seconds(1'700'000'000)));
    benchmark::DoNotOptimize(parser.parse(e));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SyslogSshdParseReusedEvent)->Arg(0)->Arg(1)->Arg(2);

// What a correlation window keeps of a failed login: a deferred copy (most are never shown).
void BM_EventRenderingCapture(benchmark::State& state) {
  auto input = replay_input();
  const SyslogParser parser(TimestampZone::kUtc);
  Event e(input, kFailed);
  parser.parse(e);
  for (auto _ : state) benchmark::DoNotOptimize(EventRendering::capture(e));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventRenderingCapture);

void BM_RenderEventJson(benchmark::State& state) {
  auto input = replay_input();
  const SyslogParser parser(TimestampZone::kUtc);
  Event e(input, kFailed);
  parser.parse(e);
  for (auto _ : state) benchmark::DoNotOptimize(render_event_json(e));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderEventJson);

// One SEV4 alert line as replay prints it, appended to a reused buffer.
void BM_AlertAppendJson(benchmark::State& state) {
  auto input = replay_input();
  const SyslogParser parser(TimestampZone::kUtc);
  Event e(input, kFailed);
  e.set_position({"/var/log/auth.log", 0, 100, ""});
  parser.parse(e);
  Alert a = alert_from_event(e, "f9d68911-73c1-43da-802d-14627ff38560");
  a.title = "SSH failed login";
  a.level = "informational";
  a.tags = {"attack.credential-access", "attack.t1110"};
  a.fields = {{"user.name", "guest"}, {"source.ip", "95.21.152.171"}};
  std::string out;
  for (auto _ : state) {
    out.clear();
    a.append_json(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_AlertAppendJson);

// alert_id derivation: SHA-256 of rule id + event identity, cut to 32 hex characters.
void BM_AlertId(benchmark::State& state) {
  const std::string id = "f9d68911-73c1-43da-802d-14627ff38560\nreplay|/var/log/auth.log|123456";
  for (auto _ : state) benchmark::DoNotOptimize(sha256_hex(id, 32));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlertId);

}  // namespace
}  // namespace tripline
