#include "profiles/growth.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace leakseek::profiles {

namespace {
constexpr double kNanosPerHour = 3600e9;
}

GrowthThresholds site_growth_defaults() {
  return {};
}

GrowthThresholds heap_growth_defaults() {
  GrowthThresholds t;
  t.min_slope_per_hour = 1024.0 * 1024.0;
  t.min_growth = 1024 * 1024;
  return t;
}

GrowthThresholds goroutine_growth_defaults() {
  GrowthThresholds t;
  t.min_slope_per_hour = 60;
  t.min_growth = 10;
  return t;
}

double sampling_error(int64_t value, int64_t count, int64_t sample_period) {
  if (sample_period <= 1) return 0;  // every allocation recorded
  const double period = static_cast<double>(sample_period);
  if (value <= 0) return period;
  const double v = static_cast<double>(value);
  // runtime.MemProfileRate sampling: an object of s bytes is recorded with probability
  // 1 - exp(-s/period), and pprof scales what it recorded back up. The samples behind the
  // estimate are the objects times that probability.
  double samples = v / period;
  if (count > 0) {
    const double size = v / static_cast<double>(count);
    samples = static_cast<double>(count) * -std::expm1(-size / period);
  }
  return v / std::sqrt(std::max(samples, 1.0));
}

Growth classify_growth(std::span<const GrowthPoint> points, const GrowthThresholds& t) {
  Growth g;
  if (points.empty()) return g;
  std::vector<double> hours;
  std::vector<int64_t> values;
  hours.reserve(points.size());
  values.reserve(points.size());
  for (const auto& p : points) {
    hours.push_back(static_cast<double>(p.time_nanos - points.front().time_nanos) / kNanosPerHour);
    values.push_back(p.value);
  }
  // A heap profile shows the heap of the last GC until the next one, so each point weighs the
  // time until the next point; the newest, the mean gap. When GCs come unevenly (often while a
  // cache fills and the heap is small, rarely once it holds), the fit sees the heap as it was
  // over time, not as often as it was published. Evenly spaced points all weigh the same.
  std::vector<double> weights(points.size(), 1.0);
  if (points.size() >= 2) {
    for (size_t i = 0; i + 1 < points.size(); i++) weights[i] = hours[i + 1] - hours[i];
    weights.back() = hours.back() / static_cast<double>(points.size() - 1);
  }
  g.stats = series_stats(hours, values, weights);
  g.first = points.front().value;
  g.last = points.back().value;
  g.span_hours = hours.back();
  g.rise = g.stats.slope * g.span_hours;
  const double e0 = sampling_error(g.first, points.front().count, t.sample_period);
  const double e1 = sampling_error(g.last, points.back().count, t.sample_period);
  g.noise = std::sqrt(e0 * e0 + e1 * e1);
  const int64_t span = points.back().time_nanos - points.front().time_nanos;
  size_t half = 0;
  while (half < points.size() && 2 * (points[half].time_nanos - points.front().time_nanos) < span)
    half++;
  const bool recent_known = points.size() - half >= 2;
  if (recent_known)
    g.recent_slope = series_stats(std::span(hours).subspan(half), std::span(values).subspan(half),
                                  std::span(weights).subspan(half))
                         .slope;
  const bool recent_ok =
      t.min_recent_share <= 0 ||
      (recent_known && g.recent_slope > t.min_recent_share * t.min_slope_per_hour &&
       g.recent_slope >= t.min_recent_ratio * g.stats.slope);
  g.growing = points.size() >= t.min_points && span >= t.min_span_nanos &&
              g.stats.slope > t.min_slope_per_hour && g.stats.r2 > t.min_r2 && g.last > g.first &&
              g.rise >= static_cast<double>(t.min_growth) && g.rise > t.noise_sigmas * g.noise &&
              recent_ok;
  return g;
}

GrowthThresholds holding_thresholds(const GrowthThresholds& firing) {
  GrowthThresholds h = firing;
  h.min_slope_per_hour = firing.min_slope_per_hour / 2;
  h.min_r2 = std::min(firing.min_r2, 0.5);
  h.min_growth = 0;
  h.min_span_nanos = 0;
  h.noise_sigmas = 0;
  h.min_points = std::min<size_t>(firing.min_points, 2);
  h.min_recent_share = 0;
  return h;
}

GrowthSummary summary_of(const Growth& g) {
  return {g.first, g.last, g.stats.slope, g.stats.r2, g.noise, g.stats.monotonicity};
}

bool same_gc_cycle(const HeapCycle& earlier, const HeapCycle& later) {
  return earlier.inuse_bytes == later.inuse_bytes && earlier.inuse_objects == later.inuse_objects;
}

}  // namespace leakseek::profiles
