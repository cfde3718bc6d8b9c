#include "heap/reachability.h"

namespace leakseek::heap {

Reachability reachable_from(const HeapModel& model, const std::vector<ObjectId>& starts) {
  Reachability r{ObjectSet(model.object_count())};
  std::vector<ObjectId> stack;
  auto visit = [&](ObjectId id) {
    if (r.live.insert(id)) {
      r.objects++;
      r.bytes += model.size(id);
      stack.push_back(id);
    }
  };
  for (ObjectId s : starts) visit(s);
  while (!stack.empty()) {
    ObjectId id = stack.back();
    stack.pop_back();
    for (ObjectId c : model.children(id)) visit(c);
  }
  return r;
}

Reachability compute_reachability(const HeapModel& model) {
  std::vector<ObjectId> starts;
  starts.reserve(model.roots.size());
  for (const auto& root : model.roots) starts.push_back(root.target);
  return reachable_from(model, starts);
}

}  // namespace leakseek::heap
