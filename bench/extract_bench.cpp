// Micro benchmarks of the per-event hot path: framing lines out of a buffer, building the Event,
// parsing, and extracting the fields rules ask for.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "collectors/parsers/jsonl_parser.h"
#include "collectors/parsers/parser_factory.h"
#include "collectors/record_reader.h"
#include "core/event.h"

namespace tripline {
namespace {

constexpr const char* kCloudTrailLine =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA00000042EXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIA000000000042","userName":"alice"},"eventTime":"2023-11-14T22:13:20Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.13.0 Python/3.11.4 Linux/6.1 exe/x86_64.debian.12 prompt/off command/CreateUser","requestParameters":{"userName":"alice","maxItems":100},"responseElements":null,"requestID":"0000002a-1111-2222-3333-00000000002a","eventID":"0000002a-aaaa-bbbb-cccc-00000000002a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com"}})";

void BM_CloudTrailParseAndExtract(benchmark::State& state) {
  auto input = std::make_shared<InputInfo>();
  JsonlParser parser;
  const FieldPath name("eventName"), ip("sourceIPAddress");
  for (auto _ : state) {
    Event e(input, kCloudTrailLine);
    parser.parse(e);
    benchmark::DoNotOptimize(e.find(name));
    benchmark::DoNotOptimize(e.find(ip));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(std::strlen(kCloudTrailLine)));
}
BENCHMARK(BM_CloudTrailParseAndExtract);

void BM_NestedFieldExtract(benchmark::State& state) {
  auto input = std::make_shared<InputInfo>();
  const FieldPath user("userIdentity.userName"), tls("tlsDetails.tlsVersion");
  for (auto _ : state) {
    Event e(input, kCloudTrailLine);
    e.set_body(Event::Body::kJson);
    benchmark::DoNotOptimize(e.find(user));
    benchmark::DoNotOptimize(e.find(tls));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NestedFieldExtract);

// Reads, frames, builds, parses and extracts eventName + sourceIPAddress for every line of a
// 1M-line CloudTrail file (written once by the benchmark), the issue's throughput target.
void BM_CloudTrailFileEndToEnd(benchmark::State& state) {
  const std::string path = "/tmp/tripline_bench_cloudtrail.jsonl";
  const long lines = state.range(0);
  {
    std::ofstream out(path, std::ios::binary);
    for (long i = 0; i < lines; ++i) out << kCloudTrailLine << '\n';
  }
  auto input = std::make_shared<InputInfo>();
  JsonlParser parser;
  const FieldPath name("eventName"), ip("sourceIPAddress");
  for (auto _ : state) {
    std::string err;
    auto reader = RecordReader::open(path, err);
    RecordReader::Record rec;
    size_t matched = 0;
    while (reader->next(rec)) {
      Event e(input, rec.bytes);
      parser.parse(e);
      const FieldValue* n = e.find(name);
      const FieldValue* a = e.find(ip);
      matched += (n && a) ? 1 : 0;
    }
    if (matched != static_cast<size_t>(lines)) state.SkipWithError("field extraction failed");
  }
  state.SetItemsProcessed(state.iterations() * lines);
  std::remove(path.c_str());
}
BENCHMARK(BM_CloudTrailFileEndToEnd)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace tripline
