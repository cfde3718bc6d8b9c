#pragma once
// Leak detection over a target's stored history: the profile and goroutine analyses applied
// over time. Pure functions from series to findings; the daemon turns findings into alerts.
#include <cstdint>
#include <string>
#include <vector>

#include "profiles/series_stats.h"
#include "watch/watch_model.h"

namespace leakseek::watch {

struct DetectionThresholds {
  double heap_slope_bytes_per_hour = 1024.0 * 1024.0;  // whole-process in-use growth
  double site_slope_bytes_per_hour = 256.0 * 1024.0;   // one allocation stack
  double goroutine_slope_per_hour = 60;                // one goroutine stack
  // The least a site must have grown over the window, first to last point: a slope alone lets
  // a one-off step of a few KiB (a goroutine stack, a sudog) pass over a short window.
  int64_t site_min_growth_bytes = 64 * 1024;
  int64_t goroutine_min_growth = 10;
  double min_r2 = 0.8;
  size_t min_points = 4;  // snapshots inside the window
  // A goroutine group that appeared inside the window with at least this many members.
  int64_t new_group_min_goroutines = 100;
  // The finalizer goroutine stuck in the same user function for this many consecutive scrapes,
  // or waiting at least this long.
  size_t finalizer_stall_scrapes = 3;
  int64_t finalizer_wait_minutes = 5;
  size_t max_site_findings = 5;  // per target and kind, steepest first
};

// One site's growth over the window.
struct SiteTrend {
  int64_t stack_id = 0;
  std::vector<std::string> frames;  // innermost first
  std::vector<SeriesPoint> points;  // inside the window, time order, absent snapshots as 0
  int64_t first = 0, last = 0;
  double slope_per_hour = 0;
  double r2 = 0;
  profiles::Monotonicity monotonicity = profiles::Monotonicity::kConstant;
  bool growing = false;  // over the slope and growth thresholds, R² and point count
};

// Trends of every site whose series has a point at or after window_start_nanos, steepest first.
// `snapshots` are the kind's snapshots in the window (so absent sites count as 0 there).
std::vector<SiteTrend> site_trends(const std::vector<SnapshotInfo>& snapshots,
                                   const std::vector<SiteSeries>& series, double min_slope_per_hour,
                                   int64_t min_growth, const DetectionThresholds& t);

// What the store holds for one target inside the window.
struct TargetHistory {
  std::string target;
  std::vector<SnapshotInfo> heap;  // time order
  std::vector<SiteSeries> heap_sites;
  std::vector<SnapshotInfo> goroutine;  // time order
  std::vector<SiteSeries> goroutine_sites;
  // Scalars of each goroutine and metrics snapshot, in the same order as those vectors.
  std::vector<std::map<std::string, double>> goroutine_scalars;
  std::vector<SnapshotInfo> metrics;
  std::vector<std::map<std::string, double>> metrics_scalars;
  std::vector<SnapshotInfo> goroutine_leak;  // goroutine leak profiles, time order
  std::vector<SiteSeries> goroutine_leak_sites;
};

// Every condition that holds now: heap growth, growing allocation sites, growing goroutine
// stacks, new large goroutine groups, finalizer and cleanup stalls, goroutines the GC proved
// leaked. Keys are stable across evaluations.
std::vector<Finding> detect(const TargetHistory& history, const DetectionThresholds& t);

}  // namespace leakseek::watch
