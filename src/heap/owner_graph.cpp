#include "heap/owner_graph.h"

#include <unordered_set>

#include "heap/owners.h"

namespace leakseek::heap {

OwnerGraph build_owner_graph(const HeapModel& model, const ReverseGraph& reverse,
                             const Reachability& reach, ObjectId target, int depth,
                             size_t max_nodes) {
  OwnerGraph g;
  g.target = target;
  auto owners = find_owners(model, reverse, target, depth, max_nodes);
  g.truncated = owners.truncated;
  // An owner that no root reaches only holds the target through garbage (often a cycle): it
  // explains nothing about why the target is alive. Keep everything when the target itself is
  // garbage, since then that is the whole story.
  const bool prune = reach.live.contains(target);
  std::unordered_set<ObjectId> kept{target};
  std::unordered_set<ObjectId> dropped;
  g.nodes.push_back(target);
  for (const auto& e : owners.edges) {
    if (prune && !reach.live.contains(e.owner)) {
      dropped.insert(e.owner);
      continue;
    }
    if (!kept.count(e.owned)) continue;
    if (kept.insert(e.owner).second) g.nodes.push_back(e.owner);
    uint64_t word = e.offsets.empty()
                        ? model.object_addr[e.owned]
                        : model.word_at(model.object_contents[e.owner], e.offsets.front());
    g.edges.push_back({e.owner, e.owned, e.offsets, word - model.object_addr[e.owned]});
  }
  g.pruned = dropped.size();
  std::unordered_set<ObjectId> finalized;
  for (const auto& f : model.finalizers) finalized.insert(model.find(f.object));
  for (ObjectId n : g.nodes) g.has_finalizer.push_back(finalized.count(n) > 0);
  for (const auto& r : owners.roots)
    if (kept.count(r.target)) g.roots.push_back(r);
  return g;
}

}  // namespace leakseek::heap
