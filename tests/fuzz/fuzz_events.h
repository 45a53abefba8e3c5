#pragma once
// A few events of the logsources the shipped rules target (CloudTrail, Kubernetes audit, sshd via
// auth.log), parsed once, for the rule targets to evaluate what they compiled against.
#include <memory>
#include <vector>

#include "collectors/parsers/parser_factory.h"
#include "core/event.h"
#include "core/time_util.h"

namespace tripline::fuzz {

inline const std::vector<Event>& sample_events() {
  static const std::vector<Event> events = [] {
    struct Sample {
      const char* format;
      LogSource logsource;
      const char* raw;
    };
    const Sample samples[] = {
        {"cloudtrail", {"aws", "cloudtrail", ""},
         R"({"eventVersion":"1.08","eventID":"e1","eventTime":"2026-01-01T00:00:00Z",)"
         R"("eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy",)"
         R"("sourceIPAddress":"203.0.113.7","userIdentity":{"type":"Root","arn":)"
         R"("arn:aws:iam::123456789012:root","sessionContext":{"attributes":)"
         R"({"mfaAuthenticated":"false"}}},"requestParameters":{"userName":"bob",)"
         R"("policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","policyDocument":)"
         R"("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"},)"
         R"("responseElements":null,"resources":[{"ARN":"arn:aws:iam::123456789012:user/bob"}],)"
         R"("additionalEventData":{"MFAUsed":"No"},"errorCode":"AccessDenied","count":42})"},
        {"cloudtrail", {"aws", "cloudtrail", ""},
         R"({"eventID":"e2","eventTime":"2026-01-01T00:01:00Z","eventName":"ConsoleLogin",)"
         R"("eventSource":"signin.amazonaws.com","responseElements":{"ConsoleLogin":"Success"},)"
         R"("userIdentity":{"type":"IAMUser","userName":"alice"},"sourceIPAddress":"10.1.2.3"})"},
        {"k8s-audit", {"kubernetes", "audit", ""},
         R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":)"
         R"("ResponseComplete","verb":"create","user":{"username":"system:anonymous",)"
         R"("groups":["system:unauthenticated"]},"objectRef":{"resource":"pods",)"
         R"("subresource":"exec","namespace":"kube-system"},"responseStatus":{"code":201},)"
         R"("requestReceivedTimestamp":"2026-01-01T00:02:00.000000Z"})"},
        {"syslog", {"linux", "auth", ""},
         "Jan  1 00:03:00 web1 sshd[4242]: Failed password for invalid user admin from "
         "198.51.100.23 port 52144 ssh2"},
        {"syslog", {"linux", "auth", ""},
         "Jan  1 00:03:05 web1 sshd[4242]: Accepted publickey for root from 198.51.100.23 port "
         "52145 ssh2: ED25519 SHA256:abc"},
        {"jsonl", {"myapp", "audit", ""},
         R"({"user":{"name":"root"},"user.name":"flat","action":"delete","ts":1767225780,)"
         R"("tags":["a","b"],"nested":{"list":[{"k":"v"}]}})"},
    };
    std::vector<Event> out;
    const TimePoint received = *parse_rfc3339("2026-01-01T00:05:00Z");
    uint64_t offset = 0;
    for (const Sample& s : samples) {
      auto input = std::make_shared<InputInfo>(
          InputInfo{s.format, "fuzz-host", s.logsource, {{"env", "prod"}}});
      Event event(input, s.raw);
      event.set_receive_time(received);
      event.set_event_time(received);
      event.set_position({"fuzz", offset, offset + 1});
      ++offset;
      make_parser(s.format)->parse(event);
      out.push_back(std::move(event));
    }
    return out;
  }();
  return events;
}

}  // namespace tripline::fuzz
