#pragma once
// Leak detection over a target's stored history: the profile and goroutine analyses applied
// over time. Pure functions from series to findings; the daemon turns findings into alerts.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "profiles/growth.h"
#include "watch/watch_model.h"

namespace leakseek::watch {

struct DetectionThresholds {
  // The one growth rule (profiles/growth.h) with its thresholds per series: the whole in-use
  // heap, one allocation site, one goroutine stack. min_span_nanos is the config's `for`.
  profiles::GrowthThresholds heap = profiles::heap_growth_defaults();
  profiles::GrowthThresholds site = profiles::site_growth_defaults();
  profiles::GrowthThresholds goroutine = profiles::goroutine_growth_defaults();
  // A goroutine group that appeared inside the window with at least this many members.
  int64_t new_group_min_goroutines = 100;
  // The finalizer goroutine stuck in the same user function for this many consecutive scrapes,
  // or waiting at least this long.
  size_t finalizer_stall_scrapes = 3;
  int64_t finalizer_wait_minutes = 5;
  size_t max_site_findings = 5;  // per target and kind, steepest first
};

// One site's growth over the window.
struct SiteTrend : profiles::GrowthSummary {
  int64_t stack_id = 0;
  std::vector<std::string> frames;  // innermost first
  std::vector<SeriesPoint> points;  // inside the window, time order, absent snapshots as 0
  bool growing = false;             // the growth rule holds (profiles::classify_growth)
};

// Trends of every site with a point among `snapshots` (the kind's snapshots in the window, so
// absent sites count as 0 there), steepest first, judged by `growth`.
std::vector<SiteTrend> site_trends(const std::vector<SnapshotInfo>& snapshots,
                                   const std::vector<SiteSeries>& series,
                                   const profiles::GrowthThresholds& growth);

// What the store holds for one target inside the window.
struct TargetHistory {
  std::string target;
  std::vector<SnapshotInfo> heap;  // time order
  std::vector<SiteSeries> heap_sites;
  std::vector<std::map<std::string, double>> heap_scalars;  // in the order of `heap`
  std::vector<SnapshotInfo> goroutine;                      // time order
  std::vector<SiteSeries> goroutine_sites;
  // Scalars of each goroutine and metrics snapshot, in the same order as those vectors.
  std::vector<std::map<std::string, double>> goroutine_scalars;
  std::vector<SnapshotInfo> metrics;
  std::vector<std::map<std::string, double>> metrics_scalars;
  std::vector<SnapshotInfo> goroutine_leak;  // goroutine leak profiles, time order
  std::vector<SiteSeries> goroutine_leak_sites;
};

// The heap profile's sampling period as the latest heap snapshot recorded it (Go's default,
// 512 KiB, for snapshots stored before it was), so site growth is judged against its noise.
profiles::GrowthThresholds heap_site_thresholds(const TargetHistory& history,
                                                const DetectionThresholds& t);

// Every condition that holds now: heap growth, growing allocation sites, growing goroutine
// stacks, new large goroutine groups, finalizer and cleanup stalls, goroutines the GC proved
// leaked. Keys are stable across evaluations. A growth whose key is in `open` (an alert already
// firing) is reported while it still holds by the relaxed rule: hysteresis, so a leak that grows
// in steps does not resolve and re-open at every scrape.
std::vector<Finding> detect(const TargetHistory& history, const DetectionThresholds& t,
                            const std::set<std::string>& open = {});

}  // namespace leakseek::watch
