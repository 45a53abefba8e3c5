#include "collectors/s3/s3_client.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <ctime>
#include <sstream>

#include "collectors/s3/sigv4.h"
#include "core/digest.h"

namespace tripline {
namespace pt = boost::property_tree;
namespace {

const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Url bucket_url(const S3ClientOptions& o) {
  Url url = o.endpoint;
  if (!o.path_style) url.host = o.bucket + "." + url.host;
  return url;
}

std::string base_path(const Url& url) {
  std::string path = url.target.substr(0, url.target.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

// S3 error bodies: <Error><Code>..</Code><Message>..</Message></Error>. Parsing failures leave
// the status alone: a proxy's HTML error page still reports its status.
void parse_error_body(const std::string& xml, S3Error& error) {
  try {
    std::istringstream in(xml);
    pt::ptree tree;
    pt::read_xml(in, tree);
    error.code = tree.get<std::string>("Error.Code", "");
    error.message = tree.get<std::string>("Error.Message", "");
  } catch (const std::exception&) {
  }
}

}  // namespace

std::string S3Error::to_string() const {
  std::string s = http_status ? "HTTP " + std::to_string(http_status) : "transport error";
  if (!code.empty()) s += " " + code;
  if (!message.empty()) s += ": " + message;
  return s;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)), url_(bucket_url(options_)), base_path_(base_path(url_)) {
  http_ = HttpClient::create(url_, options_.tls,
                             HttpClient::Limits{options_.timeout, options_.max_object_bytes},
                             setup_error_);
}

bool S3Client::request(const AwsCredentials& creds, const std::string& key,
                       const std::vector<std::pair<std::string, std::string>>& query,
                       HttpClient::Response& res, S3Error& error) {
  error = {};
  if (!http_) {
    error.message = setup_error_;
    return false;
  }
  std::string path = base_path_;
  if (options_.path_style) path += "/" + options_.bucket;
  path += "/" + key;
  SigV4Request sig;
  sig.method = "GET";
  sig.path = path;
  sig.query = query;
  sig.payload_sha256 = kEmptySha256;
  const std::string date = amz_date(std::chrono::system_clock::now());
  sig.headers = {{"host", url_.host_header()},
                 {"x-amz-content-sha256", kEmptySha256},
                 {"x-amz-date", date}};
  if (!creds.session_token.empty()) sig.headers.emplace_back("x-amz-security-token", creds.session_token);
  std::vector<std::pair<std::string, std::string>> headers = sig.headers;
  headers.erase(headers.begin());  // the client sets Host itself, to the same value
  headers.emplace_back("authorization", sigv4_authorization(sig, creds, options_.region, "s3", date));
  std::string target = aws_uri_encode(path, true);
  const std::string q = canonical_query(query);
  if (!q.empty()) target += "?" + q;
  std::string transport_error;
  if (!http_->request("GET", target, headers, "", "", res, transport_error)) {
    error.message = transport_error;
    return false;
  }
  if (res.status / 100 != 2) {
    error.http_status = res.status;
    parse_error_body(res.body, error);
    return false;
  }
  return true;
}

bool S3Client::parse_list_result(const std::string& xml, S3ListPage& out, std::string& error) {
  out = {};
  try {
    std::istringstream in(xml);
    pt::ptree tree;
    pt::read_xml(in, tree);
    const pt::ptree& root = tree.get_child("ListBucketResult");
    for (const auto& [name, node] : root) {
      if (name == "Contents") {
        S3Object o;
        o.key = node.get<std::string>("Key");
        o.size = node.get<uint64_t>("Size", 0);
        o.etag = node.get<std::string>("ETag", "");
        out.objects.push_back(std::move(o));
      } else if (name == "CommonPrefixes") {
        out.common_prefixes.push_back(node.get<std::string>("Prefix"));
      }
    }
    out.truncated = root.get<std::string>("IsTruncated", "false") == "true";
    out.next_token = root.get<std::string>("NextContinuationToken", "");
  } catch (const std::exception& e) {
    error = std::string("malformed ListObjectsV2 result: ") + e.what();
    return false;
  }
  if (out.truncated && out.next_token.empty()) {
    error = "truncated ListObjectsV2 result without a continuation token";
    return false;
  }
  return true;
}

bool S3Client::list_objects(const AwsCredentials& creds, const std::string& prefix,
                            const std::string& delimiter, const std::string& start_after,
                            const std::string& continuation_token, S3ListPage& out,
                            S3Error& error) {
  std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"},
                                                            {"max-keys", std::to_string(options_.page_size)}};
  if (!prefix.empty()) query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
  if (!start_after.empty()) query.emplace_back("start-after", start_after);
  if (!continuation_token.empty()) query.emplace_back("continuation-token", continuation_token);
  HttpClient::Response res;
  if (!request(creds, "", query, res, error)) return false;
  std::string parse_error;
  if (!parse_list_result(res.body, out, parse_error)) {
    error.http_status = res.status;
    error.message = parse_error;
    return false;
  }
  return true;
}

bool S3Client::get_object(const AwsCredentials& creds, const std::string& key, std::string& body,
                          S3Error& error) {
  HttpClient::Response res;
  if (!request(creds, key, {}, res, error)) return false;
  body = std::move(res.body);
  return true;
}

}  // namespace tripline
