// Writes realistic benchmark corpora: `sshd N FILE` (auth.log lines from a mix of brute force,
// spraying, invalid users, successful logins and noise) and `cloudtrail N FILE` (CloudTrail
// records, one JSON object per line, ~800 bytes each, mixing read-only calls with IAM changes and
// console logins). Deterministic for a given N. `sshd N FILE IPS` draws source addresses from a
// pool of IPS attackers instead of a fresh random address per line (0: a fresh one per line), and
// `sshd N FILE IPS SPAN` spreads the lines over SPAN seconds (correlation memory benches).
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

const char* kUsers[] = {"root", "admin", "ubuntu", "oracle", "postgres", "test", "git", "deploy",
                        "alice", "bob", "jenkins", "ftpuser", "pi", "user", "guest", "www-data"};
const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string ip(std::mt19937& rng) {
  std::uniform_int_distribution<int> octet(1, 254);
  return std::to_string(octet(rng)) + "." + std::to_string(octet(rng)) + "." +
         std::to_string(octet(rng)) + "." + std::to_string(octet(rng));
}

void sshd(long n, FILE* out, long pool_size, long span_seconds) {
  std::mt19937 rng(42);
  std::vector<std::string> pool;
  for (long i = 0; i < pool_size; ++i) pool.push_back(ip(rng));
  std::uniform_int_distribution<int> pct(0, 99), user(0, 15), port(1024, 65535), pid(1000, 99999);
  long seconds = 0;
  for (long i = 0; i < n; ++i) {
    seconds += pct(rng) < 30 ? 1 : 0;
    // A given span squeezes every line into it (all attackers live at once: memory bounds).
    if (span_seconds > 0) seconds = static_cast<long>(static_cast<double>(i) * span_seconds / n);
    const int day = 1 + static_cast<int>((seconds / 86400) % 28);
    const int h = static_cast<int>((seconds / 3600) % 24), m = static_cast<int>((seconds / 60) % 60),
              s = static_cast<int>(seconds % 60);
    char head[64];
    std::snprintf(head, sizeof head, "%s %2d %02d:%02d:%02d web-%02d sshd[%d]: ", kMonths[10], day,
                  h, m, s, static_cast<int>(i % 7), pid(rng));
    const std::string src = pool.empty() ? ip(rng) : pool[rng() % pool.size()];
    const int p = port(rng), r = pct(rng);
    const char* u = kUsers[user(rng)];
    std::string msg;
    if (r < 40) msg = "Failed password for " + std::string(u) + " from " + src + " port " + std::to_string(p) + " ssh2";
    else if (r < 55) msg = "Failed password for invalid user " + std::string(u) + " from " + src + " port " + std::to_string(p) + " ssh2";
    else if (r < 65) msg = "Invalid user " + std::string(u) + " from " + src + " port " + std::to_string(p);
    else if (r < 72) msg = "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" + src + "  user=" + u;
    else if (r < 77) msg = "Accepted publickey for " + std::string(u) + " from " + src + " port " + std::to_string(p) + " ssh2: RSA SHA256:3q2+7w";
    else if (r < 80) msg = "Accepted password for " + std::string(u) + " from " + src + " port " + std::to_string(p) + " ssh2";
    else if (r < 85) msg = "error: maximum authentication attempts exceeded for " + std::string(u) + " from " + src + " port " + std::to_string(p) + " ssh2 [preauth]";
    else if (r < 92) msg = "Disconnected from authenticating user " + std::string(u) + " " + src + " port " + std::to_string(p) + " [preauth]";
    else if (r < 96) msg = "Connection closed by " + src + " port " + std::to_string(p) + " [preauth]";
    else msg = "Received disconnect from " + src + " port " + std::to_string(p) + ":11: Bye Bye [preauth]";
    std::fputs(head, out);
    std::fputs(msg.c_str(), out);
    std::fputc('\n', out);
  }
}

void cloudtrail(long n, FILE* out) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pct(0, 999), user(0, 15);
  struct Call { const char* source; const char* name; bool read_only; };
  static const Call kCalls[] = {
      {"s3.amazonaws.com", "GetObject", true},        {"ec2.amazonaws.com", "DescribeInstances", true},
      {"sts.amazonaws.com", "AssumeRole", false},      {"kms.amazonaws.com", "Decrypt", true},
      {"iam.amazonaws.com", "ListRoles", true},        {"lambda.amazonaws.com", "Invoke", false},
      {"iam.amazonaws.com", "CreateUser", false},      {"iam.amazonaws.com", "AttachUserPolicy", false},
      {"iam.amazonaws.com", "CreateAccessKey", false}, {"signin.amazonaws.com", "ConsoleLogin", false}};
  for (long i = 0; i < n; ++i) {
    const int r = pct(rng);
    const Call& c = r < 300 ? kCalls[0] : r < 550 ? kCalls[1] : r < 700 ? kCalls[2]
                  : r < 820 ? kCalls[3] : r < 900 ? kCalls[4] : r < 960 ? kCalls[5]
                  : r < 970 ? kCalls[6] : r < 980 ? kCalls[7] : r < 990 ? kCalls[8] : kCalls[9];
    const char* u = kUsers[user(rng)];
    const long t = 1700000000 + i / 50;
    char when[32];
    std::snprintf(when, sizeof when, "2023-11-%02ldT%02ld:%02ld:%02ldZ", 14 + (t / 86400) % 10,
                  (t / 3600) % 24, (t / 60) % 60, t % 60);
    const std::string src = ip(rng);
    const bool failed = r >= 990 && pct(rng) < 600;
    std::fprintf(out,
                 "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":"
                 "\"AIDA%08ldEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:user/%s\",\"accountId\":"
                 "\"123456789012\",\"accessKeyId\":\"AKIA%012ld\",\"userName\":\"%s\"},"
                 "\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":\"%s\",\"awsRegion\":"
                 "\"us-east-1\",\"sourceIPAddress\":\"%s\",\"userAgent\":\"aws-cli/2.13.0 "
                 "Python/3.11.4 Linux/6.1 exe/x86_64.debian.12 prompt/off command/%s\","
                 "\"requestParameters\":{\"userName\":\"%s\",\"maxItems\":100},"
                 "\"responseElements\":%s,\"requestID\":\"%08lx-1111-2222-3333-%012lx\","
                 "\"eventID\":\"%08lx-aaaa-bbbb-cccc-%012lx\",\"readOnly\":%s,\"eventType\":"
                 "\"%s\",\"managementEvent\":true,\"recipientAccountId\":\"123456789012\","
                 "\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\","
                 "\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"%s\"}}\n",
                 i % 100000000, u, i, u, when, c.source, c.name, src.c_str(), c.name, u,
                 c.name == std::string("ConsoleLogin")
                     ? (failed ? "{\"ConsoleLogin\":\"Failure\"}" : "{\"ConsoleLogin\":\"Success\"}")
                     : "null",
                 i, i, i, i, c.read_only ? "true" : "false",
                 c.name == std::string("ConsoleLogin") ? "AwsConsoleSignIn" : "AwsApiCall", c.source);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: %s sshd|cloudtrail COUNT FILE [SSHD_SOURCE_IPS [SPAN_SECONDS]]\n",
                 argv[0]);
    return 2;
  }
  const std::string kind = argv[1];
  const long n = std::atol(argv[2]);
  FILE* out = std::fopen(argv[3], "w");
  if (!out || n <= 0 || (kind != "sshd" && kind != "cloudtrail")) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }
  const long pool = argc >= 5 ? std::atol(argv[4]) : 0;
  const long span = argc == 6 ? std::atol(argv[5]) : 0;
  if (kind == "sshd") sshd(n, out, pool, span);
  else cloudtrail(n, out);
  return std::fclose(out) == 0 ? 0 : 1;
}
