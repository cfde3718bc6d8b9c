#pragma once
// The subgraph of owners around one object, ready to draw: owners up to a depth, the roots that
// hold them, finalizer marks, interior-pointer offsets, and garbage cycles pruned.
#include <vector>

#include "heap/heap_model.h"
#include "heap/reachability.h"
#include "heap/reverse_graph.h"

namespace leakseek::heap {

struct OwnerGraphEdge {
  ObjectId from;
  ObjectId to;
  std::vector<uint64_t> field_offsets;  // where in `from` the pointers are
  uint64_t target_offset;               // how far into `to` they point (0 = at its start)
};

struct OwnerGraph {
  ObjectId target = kNoObject;
  std::vector<ObjectId> nodes;      // target first
  std::vector<bool> has_finalizer;  // parallel to nodes
  std::vector<OwnerGraphEdge> edges;
  std::vector<Root> roots;  // roots pointing at a node
  size_t pruned = 0;        // owners dropped because no root reaches them (garbage cycles)
  bool truncated = false;
};

OwnerGraph build_owner_graph(const HeapModel& model, const ReverseGraph& reverse,
                             const Reachability& reach, ObjectId target, int depth,
                             size_t max_nodes);

}  // namespace leakseek::heap
