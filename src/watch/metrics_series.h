#pragma once
// What the store keeps of a target's /metrics: the few runtime figures detection and the
// status board read, as scalars. The rest of the exposition is kept only in the raw body.
#include <cstdint>
#include <span>
#include <string>

#include "watch/watch_model.h"

namespace leakseek::watch {

// A runtime queue's two counters as Prometheus names them (Go 1.26's /gc/finalizers/* and
// /gc/cleanups/* through client_golang): entries queued and entries run since start.
struct RuntimeQueueCounters {
  const char* queued;
  const char* executed;
};
inline constexpr RuntimeQueueCounters kFinalizerQueue{"go_gc_finalizers_queued_finalizers_total",
                                                      "go_gc_finalizers_executed_finalizers_total"};
inline constexpr RuntimeQueueCounters kCleanupQueue{"go_gc_cleanups_queued_cleanups_total",
                                                    "go_gc_cleanups_executed_cleanups_total"};

// Throws InputError when the body is not Prometheus text.
SnapshotSeries metrics_snapshot_series(std::span<const uint8_t> body, const std::string& source);

}  // namespace leakseek::watch
