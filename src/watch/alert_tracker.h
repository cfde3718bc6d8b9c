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
  std::vector<Alert> opened;    // id 0: not stored yet
  std::vector<Alert> reopened;  // resolved within the cool-down: the same incident, firing again
  std::vector<Alert> updated;   // still firing, new evidence (not worth a notification)
  std::vector<Alert> quiet;     // still firing, condition absent for less than resolve_after
  std::vector<Alert> resolved;
};

struct AlertTiming {
  // Waiting this long before resolving keeps a condition that comes and goes between scrapes
  // from resolving at every gap.
  int64_t resolve_after_nanos = 0;
  // A finding whose key resolved less than this long ago re-opens that alert (same id, its
  // original start) instead of opening a new one.
  int64_t cooldown_nanos = 0;
};

// `firing` are the target's firing alerts, `resolved` its alerts resolved lately; `findings`
// what the evaluation at now_nanos found.
AlertChanges reconcile_alerts(const std::vector<Alert>& firing, const std::vector<Alert>& resolved,
                              const std::vector<Finding>& findings, int64_t now_nanos,
                              const AlertTiming& timing);

}  // namespace leakseek::watch
