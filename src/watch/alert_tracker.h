#pragma once
// Turns each evaluation's findings into alert state: a finding with no firing alert opens one,
// a firing alert whose finding holds again is refreshed with the new evidence, and one whose
// condition has been absent for resolve_after is resolved. Pure: the daemon stores and sends
// the changes.
#include <cstdint>
#include <vector>

#include "watch/watch_model.h"

namespace leakseek::watch {

struct AlertChanges {
  std::vector<Alert> opened;   // id 0: not stored yet
  std::vector<Alert> updated;  // still firing, new evidence (not worth a notification)
  std::vector<Alert> quiet;    // still firing, condition absent for less than resolve_after
  std::vector<Alert> resolved;
};

// `firing` are the target's firing alerts; `findings` what the evaluation at now_nanos found.
// Waiting resolve_after_nanos before resolving keeps a trend that hovers at its threshold from
// firing and resolving on every scrape.
AlertChanges reconcile_alerts(const std::vector<Alert>& firing,
                              const std::vector<Finding>& findings, int64_t now_nanos,
                              int64_t resolve_after_nanos);

}  // namespace leakseek::watch
