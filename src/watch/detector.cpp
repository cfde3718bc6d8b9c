#include "watch/detector.h"

#include <fmt/format.h>
#include <algorithm>
#include <cinttypes>
#include <optional>
#include <set>
#include <unordered_map>

#include "goruntime/runtime_functions.h"
#include "watch/metrics_series.h"
#include "watch/target_window.h"

namespace leakseek::watch {

namespace {

// The frame a human would name the site by: for goroutines, where the program waits (the first
// frame outside the runtime), for allocations the allocating function (the leaf).
std::string site_name(const std::vector<std::string>& frames, bool skip_runtime) {
  if (frames.empty()) return "<unknown>";
  if (skip_runtime)
    for (const auto& f : frames)
      if (!goruntime::is_runtime_internal(f)) return f;
  return frames.front();
}

std::string site_key(const std::string& target, AlertKind kind,
                     const std::vector<std::string>& frames) {
  return fmt::format("{}/{}/{:016x}", target, alert_kind_name(kind), stack_hash(frames));
}

std::vector<int64_t> ids_of(const std::vector<SnapshotInfo>& snapshots) {
  std::vector<int64_t> ids;
  for (const auto& s : snapshots) ids.push_back(s.id);
  return ids;
}

std::vector<int64_t> ids_of(const std::vector<SeriesPoint>& points) {
  std::vector<int64_t> ids;
  for (const auto& p : points) ids.push_back(p.snapshot_id);
  return ids;
}

Finding site_finding(const std::string& target, AlertKind kind, const SiteTrend& trend,
                     bool goroutines) {
  Finding f;
  f.kind = kind;
  f.target = target;
  f.site = site_name(trend.frames, goroutines);
  f.key = site_key(target, kind, trend.frames);
  f.stack = trend.frames;
  f.snapshot_ids = ids_of(trend.points);
  f.numbers = {{"slope_per_hour", trend.slope_per_hour},
               {"r2", trend.r2},
               {"first", static_cast<double>(trend.first)},
               {"last", static_cast<double>(trend.last)},
               {"points", static_cast<double>(trend.points.size())}};
  return f;
}

std::vector<profiles::GrowthPoint> total_points(const std::vector<SnapshotInfo>& snapshots) {
  std::vector<profiles::GrowthPoint> points;
  for (const auto& s : snapshots) points.push_back({s.time_nanos, s.total, s.total_count});
  return points;
}

std::vector<profiles::GrowthPoint> site_points(const SiteTrend& s) {
  std::vector<profiles::GrowthPoint> points;
  points.reserve(s.points.size());
  for (const auto& p : s.points) points.push_back({p.time_nanos, p.value, p.count});
  return points;
}

// Hysteresis: whether a series that no longer grows by `firing` still holds by its relaxed
// form. Asked only where an alert is open (or a site is to be named), so the many sites that
// neither grow nor alert cost one classification, not two.
bool still_holds(std::span<const profiles::GrowthPoint> points,
                 const profiles::GrowthThresholds& firing) {
  return profiles::classify_growth(points, profiles::holding_thresholds(firing)).growing;
}

// `site_growth` is the heap sites' rule with its sampling period: the total is sampled alike.
void add_heap_growth(const TargetHistory& h, const DetectionThresholds& t,
                     const profiles::GrowthThresholds& site_growth,
                     const std::vector<SiteTrend>& sites, const std::set<std::string>& open,
                     std::vector<Finding>& out) {
  const std::string key = fmt::format("{}/{}", h.target, alert_kind_name(AlertKind::heap_growth));
  auto growth = site_growth;
  growth.min_slope_per_hour = t.heap.min_slope_per_hour;
  growth.min_growth = t.heap.min_growth;
  const auto points = total_points(h.heap);
  const auto g = profiles::classify_growth(points, growth);
  if (!g.growing && !(open.contains(key) && still_holds(points, growth))) return;
  Finding f;
  f.kind = AlertKind::heap_growth;
  f.target = h.target;
  f.key = key;
  f.severity = "critical";
  f.snapshot_ids = ids_of(h.heap);
  f.numbers = {{"slope_per_hour", g.stats.slope},
               {"r2", g.stats.r2},
               {"first", static_cast<double>(g.first)},
               {"last", static_cast<double>(g.last)},
               {"points", static_cast<double>(points.size())}};
  // The steepest site is the first place to look.
  if (!sites.empty() &&
      (sites.front().growing || still_holds(site_points(sites.front()), site_growth))) {
    f.site = site_name(sites.front().frames, false);
    f.stack = sites.front().frames;
  }
  out.push_back(std::move(f));
}

void add_new_groups(const TargetHistory& h, const DetectionThresholds& t,
                    const std::set<std::string>& open, std::vector<Finding>& out) {
  if (h.goroutine.size() < 2) return;
  const int64_t first_id = h.goroutine.front().id;
  const int64_t last_id = h.goroutine.back().id;
  for (const auto& s : h.goroutine_sites) {
    if (s.points.empty() || s.points.back().snapshot_id != last_id) continue;
    const std::string key = site_key(h.target, AlertKind::goroutine_group, s.frames);
    // Once open, the alert is about the group, not its newness: it holds while the group keeps
    // half its threshold, so a group that stays does not resolve when the window slides past
    // its appearance.
    const int64_t n = s.points.back().value;
    const bool holds = open.contains(key) && 2 * n >= t.new_group_min_goroutines;
    const bool new_in_window = std::none_of(
        s.points.begin(), s.points.end(), [&](const auto& p) { return p.snapshot_id == first_id; });
    if (!holds && (!new_in_window || n < t.new_group_min_goroutines)) continue;
    Finding f;
    f.kind = AlertKind::goroutine_group;
    f.target = h.target;
    f.site = site_name(s.frames, true);
    f.key = key;
    f.stack = s.frames;
    f.snapshot_ids = ids_of(s.points);
    f.numbers = {{"goroutines", static_cast<double>(s.points.back().value)}};
    out.push_back(std::move(f));
  }
}

std::vector<std::string> stack_through(const TargetHistory& h, const std::string& function) {
  for (const auto& s : h.goroutine_sites)
    if (std::find(s.frames.begin(), s.frames.end(), function) != s.frames.end()) return s.frames;
  return {function};
}

double scalar(const std::map<std::string, double>& scalars, const char* name, double fallback) {
  auto it = scalars.find(name);
  return it == scalars.end() ? fallback : it->second;
}

// A queue that stopped: the runtime's counters show entries queued over the last scrapes and
// none executed. Go 1.26 exports them (client_golang's /gc group) for finalizers and cleanups.
struct QueueCounters {
  AlertKind kind;
  RuntimeQueueCounters counters;
};
constexpr QueueCounters kQueueCounters[] = {
    {AlertKind::finalizer_stall, kFinalizerQueue},
    {AlertKind::cleanup_stall, kCleanupQueue},
};

Finding stall_finding(const TargetHistory& h, AlertKind kind) {
  Finding f;
  f.kind = kind;
  f.target = h.target;
  f.key = fmt::format("{}/{}", h.target, alert_kind_name(kind));
  f.severity = "critical";
  return f;
}

// The same user function in the last N goroutine scrapes: a finalizer (or cleanup) that never
// returns. Go runs finalizers on one goroutine, so none other runs; cleanups (1.25+) on up to
// GOMAXPROCS/4, and those queued behind the stuck one wait.
std::optional<Finding> stall_from_goroutines(const TargetHistory& h, const DetectionThresholds& t) {
  const size_t n = h.goroutine.size();
  if (n == 0 || n < t.finalizer_stall_scrapes || h.goroutine.back().finalizer_function.empty())
    return std::nullopt;
  const std::string& fn = h.goroutine.back().finalizer_function;
  bool same = true;
  for (size_t i = n - t.finalizer_stall_scrapes; i < n; i++)
    same = same && h.goroutine[i].finalizer_function == fn;
  const bool have_scalars = h.goroutine_scalars.size() == n;
  const double wait =
      have_scalars ? scalar(h.goroutine_scalars.back(), "finalizer.wait_minutes", 0) : 0;
  if (!same && wait < static_cast<double>(t.finalizer_wait_minutes)) return std::nullopt;
  const bool cleanup =
      have_scalars && scalar(h.goroutine_scalars.back(), "finalizer.cleanup", 0) > 0;
  Finding f = stall_finding(h, cleanup ? AlertKind::cleanup_stall : AlertKind::finalizer_stall);
  f.site = fn;
  f.stack = stack_through(h, fn);
  for (size_t i = n - std::min(n, t.finalizer_stall_scrapes); i < n; i++)
    f.snapshot_ids.push_back(h.goroutine[i].id);
  f.numbers = {{"scrapes", static_cast<double>(t.finalizer_stall_scrapes)}};
  // debug=1 dumps carry no wait times: a 0 there would read as "just started".
  if (wait > 0) f.numbers["wait_minutes"] = wait;
  return f;
}

std::optional<Finding> stall_from_metrics(const TargetHistory& h, const DetectionThresholds& t,
                                          const QueueCounters& q) {
  const size_t m = h.metrics.size();
  if (m < t.finalizer_stall_scrapes || m != h.metrics_scalars.size() || m == 0) return std::nullopt;
  const auto& first = h.metrics_scalars[m - t.finalizer_stall_scrapes];
  const auto& last = h.metrics_scalars.back();
  const auto& c = q.counters;
  const double q0 = scalar(first, c.queued, -1), q1 = scalar(last, c.queued, -1);
  const double e0 = scalar(first, c.executed, -1), e1 = scalar(last, c.executed, -1);
  if (q0 < 0 || e0 < 0 || q1 <= q0 || e1 != e0) return std::nullopt;
  Finding f = stall_finding(h, q.kind);
  f.numbers = {{"queued_first", q0},
               {"queued", q1},
               {"executed", e1},
               {"queue", q1 - e1},
               {"scrapes", static_cast<double>(t.finalizer_stall_scrapes)}};
  for (size_t i = m - t.finalizer_stall_scrapes; i < m; i++)
    f.snapshot_ids.push_back(h.metrics[i].id);
  // A goroutine dump, when scraped, names the function the queue waits on.
  const size_t n = h.goroutine.size();
  if (n > 0 && !h.goroutine.back().finalizer_function.empty()) {
    f.site = h.goroutine.back().finalizer_function;
    f.stack = stack_through(h, f.site);
  }
  return f;
}

void add_queue_stalls(const TargetHistory& h, const DetectionThresholds& t,
                      std::vector<Finding>& out) {
  auto from_goroutines = stall_from_goroutines(h, t);
  for (const auto& q : kQueueCounters) {
    if (from_goroutines && from_goroutines->kind == q.kind) continue;
    if (auto f = stall_from_metrics(h, t, q)) out.push_back(std::move(*f));
  }
  if (from_goroutines) out.push_back(std::move(*from_goroutines));
}

// Goroutines the GC proved can never wake (the goroutine leak profile): no trend is needed, one
// profile is proof. One finding per leaked stack in the latest profile, most goroutines first.
void add_goroutine_leaks(const TargetHistory& h, const DetectionThresholds& t,
                         std::vector<Finding>& out) {
  if (h.goroutine_leak.empty()) return;
  const int64_t last_id = h.goroutine_leak.back().id;
  std::vector<const SiteSeries*> leaked;
  for (const auto& s : h.goroutine_leak_sites)
    if (!s.points.empty() && s.points.back().snapshot_id == last_id && s.points.back().value > 0)
      leaked.push_back(&s);
  std::sort(leaked.begin(), leaked.end(), [](const SiteSeries* a, const SiteSeries* b) {
    if (a->points.back().value != b->points.back().value)
      return a->points.back().value > b->points.back().value;
    return a->frames < b->frames;
  });
  if (leaked.size() > t.max_site_findings) leaked.resize(t.max_site_findings);
  for (const SiteSeries* s : leaked) {
    Finding f;
    f.kind = AlertKind::goroutine_leak;
    f.target = h.target;
    f.site = site_name(s->frames, true);
    f.key = site_key(h.target, f.kind, s->frames);
    f.severity = "critical";
    f.stack = s->frames;
    f.snapshot_ids = ids_of(s->points);
    const int64_t n = s->points.back().value;
    f.numbers = {{"goroutines", static_cast<double>(n)},
                 {"leaked_total", static_cast<double>(h.goroutine_leak.back().total)},
                 {"profiles", static_cast<double>(s->points.size())}};
    out.push_back(std::move(f));
  }
}

// The growing sites, steepest first and at most max_site_findings, plus any whose alert is open
// and which still hold by the relaxed rule.
void add_site_findings(const std::string& target, AlertKind kind,
                       const std::vector<SiteTrend>& trends,
                       const profiles::GrowthThresholds& growth, bool goroutines,
                       const DetectionThresholds& t, const std::set<std::string>& open,
                       std::vector<Finding>& out) {
  size_t kept = 0;
  for (const auto& s : trends) {
    const bool is_open = open.contains(site_key(target, kind, s.frames));
    if (!s.growing && !(is_open && still_holds(site_points(s), growth))) continue;
    if (!is_open && kept >= t.max_site_findings) continue;
    kept += !is_open;
    out.push_back(site_finding(target, kind, s, goroutines));
  }
}

}  // namespace

std::vector<SiteTrend> site_trends(const std::vector<SnapshotInfo>& snapshots,
                                   const std::vector<SiteSeries>& series,
                                   const profiles::GrowthThresholds& growth) {
  std::vector<SiteTrend> out;
  if (snapshots.empty()) return out;
  std::unordered_map<int64_t, size_t> position;
  for (size_t i = 0; i < snapshots.size(); i++) position.emplace(snapshots[i].id, i);
  std::vector<profiles::GrowthPoint> points(snapshots.size());
  for (const auto& s : series) {
    for (size_t i = 0; i < snapshots.size(); i++) points[i] = {snapshots[i].time_nanos, 0, 0};
    bool any = false;
    for (const auto& p : s.points)
      if (auto it = position.find(p.snapshot_id); it != position.end()) {
        points[it->second].value = p.value;
        points[it->second].count = p.count;
        any = true;
      }
    if (!any) continue;
    SiteTrend trend;
    trend.stack_id = s.stack_id;
    trend.frames = s.frames;
    for (size_t i = 0; i < snapshots.size(); i++)
      trend.points.push_back(
          {snapshots[i].id, snapshots[i].time_nanos, points[i].value, points[i].count});
    const auto g = profiles::classify_growth(points, growth);
    static_cast<profiles::GrowthSummary&>(trend) = profiles::summary_of(g);
    trend.growing = g.growing;
    out.push_back(std::move(trend));
  }
  std::sort(out.begin(), out.end(), [](const SiteTrend& a, const SiteTrend& b) {
    if (a.slope_per_hour != b.slope_per_hour) return a.slope_per_hour > b.slope_per_hour;
    return a.frames < b.frames;
  });
  return out;
}

profiles::GrowthThresholds heap_site_thresholds(const TargetHistory& h,
                                                const DetectionThresholds& t) {
  constexpr double kGoDefaultMemProfileRate = 512 * 1024;
  auto growth = t.site;
  growth.sample_period = static_cast<int64_t>(
      h.heap_scalars.empty()
          ? kGoDefaultMemProfileRate
          : scalar(h.heap_scalars.back(), "heap.sample_period", kGoDefaultMemProfileRate));
  return growth;
}

std::vector<Finding> detect(const TargetHistory& h, const DetectionThresholds& t,
                            const std::set<std::string>& open) {
  std::vector<Finding> out;
  const auto site_growth = heap_site_thresholds(h, t);
  const auto heap_sites = site_trends(h.heap, h.heap_sites, site_growth);
  add_heap_growth(h, t, site_growth, heap_sites, open, out);
  add_site_findings(h.target, AlertKind::site_growth, heap_sites, site_growth, false, t, open, out);
  const auto goroutine_sites = site_trends(h.goroutine, h.goroutine_sites, t.goroutine);
  add_site_findings(h.target, AlertKind::goroutine_growth, goroutine_sites, t.goroutine, true, t,
                    open, out);
  add_new_groups(h, t, open, out);
  add_queue_stalls(h, t, out);
  add_goroutine_leaks(h, t, out);
  return out;
}

}  // namespace leakseek::watch
