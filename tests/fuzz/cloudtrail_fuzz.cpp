// CloudTrail record reader: one delivery file ({"Records":[...]} or records one per line, plain
// or gzip) read whole by read_delivery_file, then every record through the cloudtrail parser.
// The input is written twice, as is and gzip-compressed: both files must read the same, since
// compression is detected by content and must not change what a file holds.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/cloud/delivery_file.h"
#include "collectors/parsers/parser_factory.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// gzip member of `plain` (zlib's deflate with the gzip wrapper, as CloudTrail writes them).
std::string gzip(std::string_view plain) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&zs, plain.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tripline::fuzz::ScratchDir dir("cloudtrail");
  static const auto parser = tripline::make_parser("cloudtrail");
  static const auto input = std::make_shared<tripline::InputInfo>(
      tripline::InputInfo{"cloudtrail", "fuzz-host", tripline::default_logsource("cloudtrail"), {}});
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  const std::string plain_path = dir.write("plain.json", bytes);
  std::vector<std::string> plain;
  std::string plain_error;
  const bool plain_ok = tripline::read_delivery_file(plain_path, plain, plain_error);
  tripline::fuzz::check(plain_ok == plain_error.empty());
  if (!plain_ok) tripline::fuzz::check(plain.empty());

  // Input that already starts like gzip would be decompressed twice by one side only.
  if (!(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
    const std::string gz_path = dir.write("plain.json.gz", gzip(bytes));
    std::vector<std::string> unzipped;
    std::string gz_error;
    const bool gz_ok = tripline::read_delivery_file(gz_path, unzipped, gz_error);
    tripline::fuzz::check(gz_ok == plain_ok);
    tripline::fuzz::check(unzipped == plain);
  }

  for (const std::string& record : plain) {
    tripline::Event event(input, record);
    parser->parse(event);
    event.find("eventName");
    event.find("userIdentity.arn");
    event.find("requestParameters.policyDocument");
    event.find("resources.0.ARN");
  }
  return 0;
}
