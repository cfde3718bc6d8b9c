#include "heap/owners.h"

#include <unordered_map>
#include <unordered_set>

namespace leakseek::heap {

OwnersResult find_owners(const HeapModel& model, const ReverseGraph& reverse, ObjectId target,
                         int depth, size_t max_objects) {
  OwnersResult out;
  out.target = target;
  std::unordered_set<ObjectId> seen{target};
  std::vector<ObjectId> frontier{target}, next;
  for (uint32_t level = 1;
       !frontier.empty() && (depth < 0 || level <= static_cast<uint32_t>(depth)); level++) {
    next.clear();
    for (ObjectId o : frontier) {
      std::unordered_set<ObjectId> listed;
      for (ObjectId owner : reverse.owners(o)) {
        // An object pointing into itself explains nothing about who keeps it.
        if (owner == o || !listed.insert(owner).second) continue;
        out.edges.push_back({owner, o, edge_offsets(model, owner, o), level});
        if (seen.insert(owner).second) {
          if (seen.size() > max_objects) {
            out.truncated = true;
            break;
          }
          next.push_back(owner);
        }
      }
      if (out.truncated) break;
    }
    if (out.truncated) break;
    frontier.swap(next);
  }
  for (const auto& root : model.roots)
    if (seen.count(root.target)) out.roots.push_back(root);
  return out;
}

}  // namespace leakseek::heap
