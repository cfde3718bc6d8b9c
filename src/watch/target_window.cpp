#include "watch/target_window.h"

#include <unordered_map>

#include "profiles/growth.h"

namespace leakseek::watch {

uint64_t stack_hash(const Frames& frames) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& f : frames) {
    for (unsigned char c : f) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  return h;
}

std::shared_ptr<const Frames> StackPool::intern(const Frames& frames) {
  // Expired entries are swept now and then rather than on every release.
  if (++interned_since_sweep_ > 4 * stacks_.size() + 1024) {
    std::erase_if(stacks_, [](const auto& kv) { return kv.second.expired(); });
    interned_since_sweep_ = 0;
  }
  auto& slot = stacks_[stack_hash(frames)];
  if (auto existing = slot.lock(); existing && *existing == frames) return existing;
  auto fresh = std::make_shared<const Frames>(frames);
  slot = fresh;
  return fresh;
}

void TargetWindow::add(const SnapshotInfo& info, const SnapshotSeries& series) {
  Point p;
  p.info = info;
  p.scalars = series.scalars;
  p.sites.reserve(series.sites.size());
  for (const auto& s : series.sites) p.sites.push_back({pool_->intern(s.frames), s.value, s.count});
  add_point(std::move(p));
}

void TargetWindow::add(const SnapshotInfo& info, const std::vector<SiteValue>& sites,
                       std::map<std::string, double> scalars) {
  Point p;
  p.info = info;
  p.scalars = std::move(scalars);
  for (const auto& s : sites) p.sites.push_back({pool_->intern(s.frames), s.value, s.count});
  add_point(std::move(p));
}

void TargetWindow::add_point(Point point) {
  auto& points = kinds_[static_cast<int>(point.info.kind)];
  const int64_t now = point.info.time_nanos;
  // A heap profile from before the next GC repeats the point of that GC: it is stored, and
  // counted only as the newest point, replacing the run's earlier newest.
  if (point.info.kind == SnapshotKind::heap && !points.empty()) {
    auto cycle = [](const Point& p) {
      return profiles::HeapCycle{p.info.total, p.info.total_count};
    };
    point.repeat = profiles::same_gc_cycle(cycle(points.back()), cycle(point));
    if (points.back().repeat) {
      points.pop_back();
      heap_repeats_++;
    }
  }
  // The newest point always stands; an older one is kept only if it is far enough from the one
  // before it, so the window holds evenly spread points plus the latest.
  const int64_t spacing = window_nanos_ / static_cast<int64_t>(kMaxPoints);
  if (!point.repeat && points.size() >= 2 &&
      points.back().info.time_nanos - points[points.size() - 2].info.time_nanos < spacing)
    points.pop_back();
  points.push_back(std::move(point));
  while (!points.empty() && points.front().info.time_nanos < now - window_nanos_)
    points.pop_front();
}

TargetHistory TargetWindow::history() const {
  TargetHistory h;
  h.target = target_;
  auto series_of = [](const std::deque<Point>& points, std::vector<SnapshotInfo>& infos,
                      std::vector<SiteSeries>& out,
                      std::vector<std::map<std::string, double>>* scalars) {
    std::unordered_map<const Frames*, size_t> index;
    for (const auto& p : points) {
      infos.push_back(p.info);
      if (scalars) scalars->push_back(p.scalars);
      for (const auto& s : p.sites) {
        auto [it, added] = index.emplace(s.frames.get(), out.size());
        if (added) {
          out.emplace_back();
          out.back().stack_id = static_cast<int64_t>(stack_hash(*s.frames));
          out.back().frames = *s.frames;
        }
        out[it->second].points.push_back({p.info.id, p.info.time_nanos, s.value, s.count});
      }
    }
  };
  series_of(kinds_[static_cast<int>(SnapshotKind::heap)], h.heap, h.heap_sites, &h.heap_scalars);
  series_of(kinds_[static_cast<int>(SnapshotKind::goroutine)], h.goroutine, h.goroutine_sites,
            &h.goroutine_scalars);
  series_of(kinds_[static_cast<int>(SnapshotKind::goroutine_leak)], h.goroutine_leak,
            h.goroutine_leak_sites, nullptr);
  std::vector<SiteSeries> none;
  series_of(kinds_[static_cast<int>(SnapshotKind::metrics)], h.metrics, none, &h.metrics_scalars);
  return h;
}

}  // namespace leakseek::watch
