#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tripline {

// What one audit webhook request body held.
struct AuditBatch {
  std::vector<std::string> events;  // minified audit.k8s.io Event objects, in request order
  size_t rejected = 0;              // items that are not audit events (counted, not emitted)
  std::string error;                // why the body or some items were rejected; empty if none
};

// Splits the body the Kubernetes API server's audit webhook backend POSTs: an
// {"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[...]} document (a single Event
// object is accepted too). Items that are not objects carrying an auditID are rejected one by one
// and the others kept; a body that is not well-formed JSON is rejected whole. Never throws.
AuditBatch split_audit_body(std::string_view body);

}  // namespace tripline
