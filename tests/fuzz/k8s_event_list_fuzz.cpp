// Kubernetes audit webhook body decoder: an audit.k8s.io EventList (or one Event) split into its
// audit events, then each through the k8s-audit record parser as the pipeline does.
// Properties (event_list.h): every event kept is a minified JSON object with a non-empty string
// auditID; a body that is not well-formed JSON is rejected whole.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "collectors/k8s/event_list.h"
#include "collectors/parsers/parser_factory.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto parser = tripline::make_parser("k8s-audit");
  static const auto input = std::make_shared<tripline::InputInfo>(
      tripline::InputInfo{"k8s", "fuzz-host", tripline::default_logsource("k8s-audit"), {}});
  static simdjson::dom::parser oracle;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  const tripline::AuditBatch batch = tripline::split_audit_body(body);
  tripline::fuzz::check(!batch.events.empty() || !batch.error.empty() || batch.rejected == 0);
  if (batch.rejected > 0) tripline::fuzz::check(!batch.error.empty());

  simdjson::dom::element whole;
  if (oracle.parse(body.data(), body.size()).get(whole) != simdjson::SUCCESS) {
    tripline::fuzz::check(batch.events.empty());
    tripline::fuzz::check(!batch.error.empty());
  }
  for (const std::string& item : batch.events) {
    simdjson::dom::element doc;
    std::string_view audit_id;
    tripline::fuzz::check(oracle.parse(item).get(doc) == simdjson::SUCCESS);
    tripline::fuzz::check(doc.is_object());
    tripline::fuzz::check(doc["auditID"].get_string().get(audit_id) == simdjson::SUCCESS);
    tripline::fuzz::check(!audit_id.empty());
    // Minified: nothing left for simdjson::minify to take out.
    std::string again(item.size(), '\0');
    size_t len = 0;
    tripline::fuzz::check(simdjson::minify(item.data(), item.size(), again.data(), len) ==
                          simdjson::SUCCESS);
    tripline::fuzz::check(len == item.size());

    tripline::Event event(input, item);
    parser->parse(event);
    tripline::fuzz::check(event.text("auditID") == audit_id);
  }
  return 0;
}
