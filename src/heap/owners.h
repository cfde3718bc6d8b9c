#pragma once
// Who points to an object, level by level up to a depth (or to the roots), and the roots that
// point straight at each owner.
#include <vector>

#include "heap/heap_model.h"
#include "heap/reverse_graph.h"

namespace leakseek::heap {

struct OwnerEdge {
  ObjectId owner;
  ObjectId owned;
  std::vector<uint64_t> offsets;  // pointer words in `owner` that point into `owned`
  uint32_t level;                 // 1 = direct owner of the target
};

struct OwnersResult {
  ObjectId target = kNoObject;
  std::vector<OwnerEdge> edges;  // breadth-first: level 1 first
  // Roots pointing at the target or at any owner found.
  std::vector<Root> roots;
  bool truncated = false;  // max_objects was reached
};

// depth < 0 means "up to the roots". At most max_objects owners are collected.
OwnersResult find_owners(const HeapModel& model, const ReverseGraph& reverse, ObjectId target,
                         int depth, size_t max_objects = 10000);

}  // namespace leakseek::heap
