#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tripline {

// Tamper evidence for the file sink (`chain: true`, docs/outputs.md#chained-files). Every alert
// line carries, as its last member, "prev_sha256": the lower-case hex SHA-256 of the bytes of the
// line before it (without its newline). The first line of a chain links to the genesis value,
// SHA-256 of the ASCII string "tripline-chain-v1". Editing, deleting, inserting or reordering any
// line breaks the link of the line after it; the last line is covered only by whoever holds the
// current head (the hash of the last line), which `tripline verify` prints.
inline constexpr std::string_view kChainKey = "prev_sha256";
inline constexpr std::string_view kChainGenesis = "tripline-chain-v1";

std::string chain_genesis_hash();
std::string chain_record_hash(std::string_view line);
// Appends the link to a JSON object produced by Alert::to_json() (which ends in '}').
std::string chain_link(std::string alert_json, std::string_view prev_hash);
// Reads the link of one line with simdjson. False (with `error`) when the line is not a JSON
// object or has no string prev_sha256.
bool chain_read_link(std::string_view line, std::string& prev_hash, std::string& error);

// Checks lines one at a time, across files in order. The first broken link stops it.
class ChainVerifier {
 public:
  // `anchor`: what the first line must link to; empty accepts any (a file that continues a
  // chain begun in a rotated-away file).
  explicit ChainVerifier(std::string anchor) : expected_(std::move(anchor)) {}

  // False once a link is broken; `error()` then says why.
  bool feed(std::string_view line);
  bool broken() const { return broken_; }
  uint64_t records() const { return records_; }
  const std::string& head() const { return head_; }  // hash of the last good line
  const std::string& expected() const { return expected_; }
  const std::string& actual() const { return actual_; }
  const std::string& error() const { return error_; }

 private:
  std::string expected_;
  std::string actual_;
  std::string head_;
  std::string error_;
  uint64_t records_ = 0;
  bool broken_ = false;
};

}  // namespace tripline
