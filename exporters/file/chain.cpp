#include "exporters/file/chain.h"

#include <simdjson.h>

#include "core/digest.h"
#include "core/json_writer.h"

namespace tripline {

std::string chain_genesis_hash() { return sha256_hex(kChainGenesis); }

std::string chain_record_hash(std::string_view line) { return sha256_hex(line); }

std::string chain_link(std::string alert_json, std::string_view prev_hash) {
  if (alert_json.empty() || alert_json.back() != '}') return alert_json;
  alert_json.pop_back();
  // Alert::to_json always has members, so the link follows a comma.
  alert_json += ",";
  JsonWriter::append_escaped(alert_json, kChainKey);
  alert_json += ":";
  JsonWriter::append_escaped(alert_json, prev_hash);
  alert_json += "}";
  return alert_json;
}

bool chain_read_link(std::string_view line, std::string& prev_hash, std::string& error) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(line.data(), line.size(), true).get(doc)) {
    error = std::string("not a JSON record (") + simdjson::error_message(e) + ")";
    return false;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    error = "not a JSON object";
    return false;
  }
  std::string_view link;
  if (obj[kChainKey].get_string().get(link)) {
    error = "no " + std::string(kChainKey) + " member";
    return false;
  }
  prev_hash.assign(link);
  return true;
}

bool ChainVerifier::feed(std::string_view line) {
  if (broken_) return false;
  std::string link;
  if (!chain_read_link(line, link, error_)) {
    broken_ = true;
    return false;
  }
  if (!expected_.empty() && link != expected_) {
    actual_ = link;
    error_ = "broken link";
    broken_ = true;
    return false;
  }
  head_ = chain_record_hash(line);
  expected_ = head_;
  ++records_;
  return true;
}

}  // namespace tripline
