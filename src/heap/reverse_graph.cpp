#include "heap/reverse_graph.h"

namespace leakseek::heap {

ReverseGraph::ReverseGraph(const HeapModel& model) {
  const size_t n = model.object_count();
  begin_.assign(n + 1, 0);
  // Count then fill; skip repeated edges from the same owner (several fields to one object).
  auto for_each_distinct = [&](auto&& fn) {
    for (ObjectId src = 0; src < n; src++) {
      ObjectId prev = kNoObject;
      for (ObjectId dst : model.children(src)) {
        if (dst == prev) continue;
        prev = dst;
        fn(src, dst);
      }
    }
  };
  for_each_distinct([&](ObjectId, ObjectId dst) { begin_[dst + 1]++; });
  for (size_t i = 0; i < n; i++) begin_[i + 1] += begin_[i];
  owner_.resize(begin_[n]);
  std::vector<uint64_t> fill(begin_.begin(), begin_.end() - 1);
  for_each_distinct([&](ObjectId src, ObjectId dst) { owner_[fill[dst]++] = src; });
}

std::vector<uint64_t> edge_offsets(const HeapModel& model, ObjectId from, ObjectId to) {
  std::vector<uint64_t> out;
  for (uint64_t off : model.pointer_offsets(from)) {
    if (model.find(model.word_at(model.object_contents[from], off)) == to) out.push_back(off);
  }
  return out;
}

}  // namespace leakseek::heap
