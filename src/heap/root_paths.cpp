#include "heap/root_paths.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace leakseek::heap {

std::string_view retention_name(Retention r) {
  switch (r) {
    case Retention::kRooted:
      return "rooted";
    case Retention::kFinalizerOnly:
      return "finalizer_only";
    case Retention::kFinalizerCycle:
      return "finalizer_cycle";
    case Retention::kUnreachable:
      return "unreachable";
  }
  return "?";
}

namespace {

constexpr uint32_t kFar = std::numeric_limits<uint32_t>::max();

// Distance (in pointers) from every ancestor of `target` to it, by breadth-first search over
// owners. Only ancestors get an entry, so the map stays small for most targets.
std::unordered_map<ObjectId, uint32_t> distances_to(const ReverseGraph& reverse, ObjectId target) {
  std::unordered_map<ObjectId, uint32_t> dist{{target, 0}};
  std::vector<ObjectId> frontier{target}, next;
  for (uint32_t d = 1; !frontier.empty(); d++) {
    next.clear();
    for (ObjectId o : frontier)
      for (ObjectId owner : reverse.owners(o))
        if (dist.emplace(owner, d).second) next.push_back(owner);
    frontier.swap(next);
  }
  return dist;
}

uint64_t first_offset(const HeapModel& model, ObjectId from, ObjectId to) {
  auto offs = edge_offsets(model, from, to);
  return offs.empty() ? 0 : offs.front();
}

std::vector<PathStep> walk_down(const HeapModel& model,
                                const std::unordered_map<ObjectId, uint32_t>& dist,
                                ObjectId start) {
  std::vector<PathStep> steps{{start, 0}};
  ObjectId cur = start;
  for (uint32_t d = dist.at(start); d > 0; d--) {
    for (ObjectId c : model.children(cur)) {
      auto it = dist.find(c);
      if (it != dist.end() && it->second == d - 1) {
        steps.push_back({c, first_offset(model, cur, c)});
        cur = c;
        break;
      }
    }
  }
  return steps;
}

}  // namespace

std::vector<ObjectId> shortest_path(const HeapModel& model, ObjectId from, ObjectId to) {
  std::unordered_map<ObjectId, ObjectId> parent{{from, kNoObject}};
  std::vector<ObjectId> frontier{from}, next;
  while (!frontier.empty() && !parent.count(to)) {
    next.clear();
    for (ObjectId o : frontier)
      for (ObjectId c : model.children(o))
        if (parent.emplace(c, o).second) next.push_back(c);
    frontier.swap(next);
  }
  if (!parent.count(to)) return {};
  std::vector<ObjectId> path;
  for (ObjectId o = to; o != kNoObject; o = parent.at(o)) path.push_back(o);
  std::reverse(path.begin(), path.end());
  return path;
}

WhyResult explain_retention(const HeapModel& model, const ReverseGraph& reverse, ObjectId target) {
  WhyResult out;
  out.target = target;
  auto dist = distances_to(reverse, target);

  // Best root of each kind: the one whose target is closest to ours.
  std::vector<const Root*> best(kRootKindCount, nullptr);
  std::vector<uint32_t> best_dist(kRootKindCount, kFar);
  for (const auto& root : model.roots) {
    auto it = dist.find(root.target);
    if (it == dist.end()) continue;
    auto k = static_cast<size_t>(root.kind);
    if (it->second < best_dist[k]) best_dist[k] = it->second, best[k] = &root;
  }
  for (size_t k = 0; k < best.size(); k++) {
    if (best[k]) out.paths.push_back({*best[k], walk_down(model, dist, best[k]->target)});
  }
  std::stable_sort(out.paths.begin(), out.paths.end(), [](const RootPath& a, const RootPath& b) {
    return a.steps.size() < b.steps.size();
  });

  if (out.paths.empty()) {
    out.retention = Retention::kUnreachable;
    return out;
  }
  bool only_finalizer = std::all_of(out.paths.begin(), out.paths.end(), [](const RootPath& p) {
    return p.root.kind == RootKind::kFinalizerReferent;
  });
  if (!only_finalizer) {
    out.retention = Retention::kRooted;
    return out;
  }
  const auto& fin = model.finalizers[out.paths.front().root.source];
  out.finalized_object = model.find(fin.object);
  out.retention = Retention::kFinalizerOnly;
  // If the finalized object can reach itself, the collector will never find it unreachable,
  // so its finalizer never runs and everything it holds leaks.
  for (ObjectId c : model.children(out.finalized_object)) {
    auto path = shortest_path(model, c, out.finalized_object);
    if (!path.empty()) {
      out.retention = Retention::kFinalizerCycle;
      out.cycle.push_back(out.finalized_object);
      out.cycle.insert(out.cycle.end(), path.begin(), path.end());
      break;
    }
  }
  return out;
}

}  // namespace leakseek::heap
