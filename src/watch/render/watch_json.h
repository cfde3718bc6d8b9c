#pragma once
// JSON renderings of what the watch daemon stores and serves under /api/: target status,
// alerts with their evidence, snapshot listings, total series and per-site trends. Times come
// out twice, as RFC 3339 (for people) and as Unix nanoseconds (for code).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "watch/detector.h"
#include "watch/status_board.h"
#include "watch/store.h"
#include "watch/watch_model.h"

namespace leakseek::watch::render {

// "2024-05-01T12:00:00.123456789Z"; trailing zeros of the fraction are dropped.
std::string rfc3339(int64_t unix_nanos);

// A target as the daemon sees it now; `stored` is what the store knows (labels, id), absent for
// a target the store has not seen yet. A target only in the store (no longer scraped) has no
// status: `status` is null then.
nlohmann::json target_json(const watch::TargetStatus* status, const watch::StoredTarget* stored);

nlohmann::json alert_json(const watch::Alert& alert);

nlohmann::json snapshot_info_json(const watch::SnapshotInfo& info, const std::string& target);
// One snapshot in detail: its listing entry, scalars and where to fetch its body.
nlohmann::json snapshot_detail_json(const watch::SnapshotInfo& info, const std::string& target,
                                    const std::map<std::string, double>& scalars);

// Totals over time, as the charts draw them.
nlohmann::json total_series_json(const std::string& target, watch::SnapshotKind kind,
                                 const std::vector<watch::SnapshotInfo>& snapshots);

nlohmann::json site_trends_json(const std::string& target, watch::SnapshotKind kind,
                                int64_t window_nanos, size_t snapshots_in_window,
                                const std::vector<watch::SiteTrend>& trends, size_t total_sites);

}  // namespace leakseek::watch::render
