#include "watch/metrics_series.h"

#include <string_view>

#include "format/prometheus_text_reader.h"

namespace leakseek::watch {

namespace {

// Go 1.26 exports the finalizer and cleanup queue counters through runtime/metrics; with them a
// stall shows as queued rising while executed stays flat.
constexpr const char* kKept[] = {
    "go_goroutines",
    "go_memstats_heap_inuse_bytes",
    "go_memstats_heap_objects",
    "go_memstats_heap_alloc_bytes",
    kFinalizerQueue.queued,
    kFinalizerQueue.executed,
    kCleanupQueue.queued,
    kCleanupQueue.executed,
};

}  // namespace

SnapshotSeries metrics_snapshot_series(std::span<const uint8_t> body, const std::string& source) {
  const auto metrics = format::read_prometheus_text(
      std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), source);
  SnapshotSeries out;
  for (const char* name : kKept)
    if (auto v = format::value_of(metrics, name)) out.scalars[name] = *v;
  return out;
}

}  // namespace leakseek::watch
