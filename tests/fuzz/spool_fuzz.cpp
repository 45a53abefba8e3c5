// Spool segment reader (recovery): a spool directory as a crash, a full disk or bit rot may
// leave it — segment files holding valid, corrupt, torn and foreign records, a cursor that is
// missing, garbage, or valid and pointing anywhere — opened, drained and reopened. Delivered
// records are decoded as alerts, as the spooled sink does.
// Properties: recovery never fails on bad data; take() hands out exactly the records recovery
// counted; a drained spool reopens empty; records appended after recovery come back intact.
#include <fuzzer/FuzzedDataProvider.h>
#include <zlib.h>

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "exporters/spool/alert_codec.h"
#include "exporters/spool/spool.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// The on-disk framing of spool.h: magic "TRP1" | length | CRC-32 | payload, little-endian.
constexpr uint32_t kMagic = 0x31505254;
constexpr uint32_t kCursorMagic = 0x43505254;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t crc(const std::string& s) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()),
            static_cast<uInt>(s.size())));
}
std::string frame(const std::string& payload, uint32_t crc_xor) {
  std::string out;
  put_u32(out, kMagic);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  put_u32(out, crc(payload) ^ crc_xor);
  return out + payload;
}

tripline::Alert fuzzed_alert(FuzzedDataProvider& in) {
  tripline::Alert a;
  a.alert_id = in.ConsumeRandomLengthString(16);
  a.rule_id = in.ConsumeRandomLengthString(16);
  a.sev = static_cast<tripline::Sev>(in.ConsumeIntegralInRange(0, 4));
  a.time = tripline::TimePoint(std::chrono::seconds(in.ConsumeIntegral<uint32_t>()));
  a.group.emplace_back(in.ConsumeRandomLengthString(8), in.ConsumeRandomLengthString(8));
  a.count = in.ConsumeIntegral<uint64_t>();
  a.events.push_back(in.ConsumeRandomLengthString(32));
  if (in.ConsumeBool()) a.ends_at = a.time + std::chrono::minutes(5);
  return a;
}

// One segment's bytes: a run of valid records, records with a bad CRC, torn records, encoded
// alerts (whole or cut) and raw bytes.
std::string segment(FuzzedDataProvider& in) {
  std::string out;
  const int chunks = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < chunks && in.remaining_bytes() > 0; ++i) {
    switch (in.ConsumeIntegralInRange(0, 4)) {
      case 0:
        out += in.ConsumeRandomLengthString(64);
        break;
      case 1:
        out += frame(in.ConsumeRandomLengthString(64), 0);
        break;
      case 2:
        out += frame(in.ConsumeRandomLengthString(64), in.ConsumeIntegralInRange<uint32_t>(1, 255));
        break;
      case 3: {
        const std::string whole = frame(in.ConsumeRandomLengthString(64), 0);
        out += whole.substr(0, in.ConsumeIntegralInRange<size_t>(0, whole.size()));
        break;
      }
      case 4: {
        std::string payload = tripline::encode_alert(fuzzed_alert(in));
        if (in.ConsumeBool()) payload.resize(in.ConsumeIntegralInRange<size_t>(0, payload.size()));
        out += frame(payload, 0);
        break;
      }
    }
  }
  return out;
}

std::string segment_name(uint64_t seq) {
  char name[48];
  std::snprintf(name, sizeof name, "seg-%020" PRIu64 ".log", seq);
  return name;
}

// Takes and commits every record; returns how many there were.
uint64_t drain(tripline::Spool& spool) {
  uint64_t n = 0;
  std::vector<std::string> batch;
  while (spool.take(4, 1 << 16, batch)) {
    for (const std::string& payload : batch) {
      tripline::Alert alert;
      if (tripline::decode_alert(payload, alert)) {
        // What decodes re-encodes to the same bytes: nothing was misread.
        tripline::fuzz::check(tripline::encode_alert(alert) == payload);
      }
    }
    n += batch.size();
    spool.commit();
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tripline;
  static const fuzz::ScratchDir dir("spool");
  dir.clear();
  FuzzedDataProvider in(data, size);

  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0:  // no cursor file: everything on disk is undelivered
      break;
    case 1:
      dir.write("cursor", in.ConsumeBytesAsString(in.ConsumeIntegralInRange(0, 30)));
      break;
    case 2: {  // a well-formed cursor pointing anywhere near the segments
      std::string cur;
      put_u32(cur, kCursorMagic);
      put_u64(cur, in.ConsumeIntegralInRange<uint64_t>(0, 6));
      put_u64(cur, in.ConsumeIntegralInRange<uint64_t>(0, 600));
      put_u32(cur, crc(cur));
      dir.write("cursor", cur);
      break;
    }
  }
  uint64_t seq = in.ConsumeIntegralInRange<uint64_t>(0, 3);
  const int segments = in.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < segments; ++i) {
    const std::string bytes = segment(in);
    dir.write(segment_name(seq), bytes);
    seq += in.ConsumeIntegralInRange<uint64_t>(1, 2);
  }

  SpoolOptions options;
  options.segment_bytes = 4096;
  std::string error;
  {
    auto spool = Spool::open(dir.path(), "fuzz", options, error);
    fuzz::check(spool != nullptr);
    const uint64_t counted = spool->pending_records();
    fuzz::check(drain(*spool) == counted);
    fuzz::check(spool->pending_records() == 0);
  }
  const std::vector<std::string> fresh = {in.ConsumeRandomLengthString(64),
                                          in.ConsumeRandomLengthString(64)};
  {
    auto spool = Spool::open(dir.path(), "fuzz", options, error);
    fuzz::check(spool != nullptr);
    fuzz::check(spool->pending_records() == 0);
    fuzz::check(spool->append(fresh).status == SpoolAppendResult::Status::kStored);
  }
  {
    auto spool = Spool::open(dir.path(), "fuzz", options, error);
    fuzz::check(spool != nullptr);
    std::vector<std::string> back;
    fuzz::check(spool->take(16, 1 << 20, back));
    fuzz::check(back == fresh);
  }
  return 0;
}
