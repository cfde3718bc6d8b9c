#pragma once
// The JSON API's answers, independent of HTTP: each function reads what it needs from a store
// (and the status board), runs the same analyses the CLI uses, and hands the results to the
// renderers in report/watch_json. Unknown targets and snapshots throw ApiError 404, requests
// that cannot be answered 400, pruned raw bodies 410.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "watch/detector.h"
#include "watch/status_board.h"
#include "watch/store.h"

namespace leakseek::watch {

// Every target the board or the store knows, the board's order first.
nlohmann::json api_targets(const Store& store, const StatusBoard& board);

// Firing alerts first, then the most recently updated.
nlohmann::json api_alerts(const Store& store, bool include_resolved);

// The newest `limit` snapshots of a kind since `since_nanos`, oldest first.
nlohmann::json api_snapshots(const Store& store, const std::string& target, SnapshotKind kind,
                             int64_t since_nanos, size_t limit);

// Totals over time. Beyond max_points, evenly thinned (the newest point always kept), so a
// chart of a long history stays a small response.
nlohmann::json api_series(const Store& store, const std::string& target, SnapshotKind kind,
                          int64_t since_nanos, size_t max_points);

// site_trends over [now - window, now], the `limit` steepest sites.
nlohmann::json api_trends(const Store& store, const std::string& target, SnapshotKind kind,
                          int64_t window_nanos, int64_t now_nanos,
                          const DetectionThresholds& thresholds, size_t limit);

nlohmann::json api_snapshot(const Store& store, int64_t snapshot_id);

struct RawSnapshot {
  std::vector<uint8_t> bytes;
  std::string filename;  // "api-heap-42.pb.gz"
};
RawSnapshot api_snapshot_raw(const Store& store, int64_t snapshot_id);

// Goroutine groups (identical stacks), leak suspects and the finalizer goroutine of a
// goroutine snapshot.
nlohmann::json api_snapshot_goroutines(const Store& store, int64_t snapshot_id);

// What changed from `base_id` to `new_id`, two snapshots of the same target and kind: heap
// profiles by in-use bytes (profiles::diff), goroutine dumps by stack (diff_goroutines).
nlohmann::json api_diff(const Store& store, int64_t base_id, int64_t new_id);

}  // namespace leakseek::watch
