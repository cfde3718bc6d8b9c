#pragma once
// The one rule for "this series grows", used by `leakseek profile trend` and by every growth
// alert of `leakseek watch` (sites, goroutine stacks, the whole heap), so the two never give
// different verdicts on the same snapshots. A series grows when it climbs steadily (slope and
// R², by least squares weighted by the time each point stood for), by enough (rise), over enough
// points and time, and by more than the heap profile's own sampling noise could explain.
#include <cstdint>
#include <span>

#include "profiles/series_stats.h"

namespace leakseek::profiles {

struct GrowthPoint {
  int64_t time_nanos = 0;
  int64_t value = 0;
  int64_t count = 0;  // objects behind a heap value (inuse_objects); 0 when unknown
};

struct GrowthThresholds {
  double min_slope_per_hour = 256.0 * 1024.0;  // in the series' unit
  int64_t min_growth = 64 * 1024;              // the fitted line's rise over the series
  double min_r2 = 0.8;
  size_t min_points = 4;
  // The points must cover this much time: growth judged over a burst of scrapes right after a
  // start is a cache warming up as often as a leak.
  int64_t min_span_nanos = 0;
  // Heap profiles record about one allocation per sample_period bytes, so a site's value is an
  // estimate from k samples with a standard error of about value/√k. The rise must exceed
  // noise_sigmas such errors. 0: the values are exact (goroutine counts, MemStats).
  int64_t sample_period = 0;
  double noise_sigmas = 3;
  // The later half of the span must still climb at this share of min_slope_per_hour, and at
  // min_recent_ratio of the whole span's own slope: a cache that filled and then plateaued has
  // a fine slope and R² over the whole span, but lately climbs at a small part of it, while a
  // steady leak climbs as fast lately as over the span.
  double min_recent_share = 0.5;
  double min_recent_ratio = 0.25;
};

// The defaults both front ends start from, in bytes or goroutines per hour.
GrowthThresholds site_growth_defaults();       // one allocation site: 256 KiB/h, 64 KiB rise
GrowthThresholds heap_growth_defaults();       // the whole in-use heap: 1 MiB/h, 1 MiB rise
GrowthThresholds goroutine_growth_defaults();  // one goroutine stack: 60/h, 10 goroutines

struct Growth {
  SeriesStats stats;  // slope per hour
  int64_t first = 0, last = 0;
  double span_hours = 0;
  double rise = 0;          // slope × span
  double recent_slope = 0;  // over the later half of the span, per hour
  double noise = 0;         // one standard error of the rise from sampling; 0 when exact
  bool growing = false;
};

// The in-use totals of one heap profile.
struct HeapCycle {
  int64_t inuse_bytes = 0;
  int64_t inuse_objects = 0;
};

// Go publishes the heap profile at the end of each GC cycle, so profiles taken between the same
// two GCs are the same point in the heap's history however far apart they were fetched: as
// points of a trend they would turn one step into a staircase of flat runs. They are told by
// their identical in-use totals, bytes and objects (a new cycle on a service that allocates
// moves at least one). The first of a run counts, as the nearest to the GC it shows, and so
// does the latest while the run is the newest: a heap that has not changed since is news.
bool same_gc_cycle(const HeapCycle& earlier, const HeapCycle& later);

// What trend results and watch report of one series' growth, in the series' unit per hour.
struct GrowthSummary {
  int64_t first = 0, last = 0;
  double slope_per_hour = 0;
  double r2 = 0;
  double noise = 0;  // one standard error of the rise from sampling
  Monotonicity monotonicity = Monotonicity::kConstant;
};

GrowthSummary summary_of(const Growth& g);

// Points in time order.
Growth classify_growth(std::span<const GrowthPoint> points, const GrowthThresholds& t);

// What keeps an open alert open (hysteresis): half the slope, R² over 0.5, still rising over
// the window, with no floor on the rise, the span, the noise or the recent slope. A leak that
// grows in GC-sized steps stays above it; a plateau, once the window has slid past the growth,
// does not.
GrowthThresholds holding_thresholds(const GrowthThresholds& firing);

// One standard error of a heap profile value (bytes, from `count` objects) sampled every
// `sample_period` bytes on average. An absent site (0) may hide up to about one sample.
double sampling_error(int64_t value, int64_t count, int64_t sample_period);

}  // namespace leakseek::profiles
