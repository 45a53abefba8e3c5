#include "collectors/cloudtrail_dir.h"
#include "collectors/cloudtrail_s3.h"
#include "collectors/collector_registry.h"
#include "collectors/file_tail.h"
#include "collectors/iam_snapshot.h"
#include "collectors/journald.h"
#include "collectors/k8s_audit.h"

namespace tripline {

void register_builtin_collectors(CollectorRegistry& registry) {
  registry.add("cloudtrail", make_cloudtrail_dir_collector);
  registry.add("cloudtrail_s3", make_cloudtrail_s3_collector);
  registry.add("file", make_file_tail_collector);
  registry.add("iam_snapshot", make_iam_snapshot_collector);
  registry.add("journald", make_journald_collector);
  registry.add("k8s_audit", make_k8s_audit_collector);
}

}  // namespace tripline
