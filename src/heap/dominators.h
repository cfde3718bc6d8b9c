#pragma once
// The dominator tree of the live heap, rooted at a virtual root whose children are the root
// groups, with exact retained sizes: what would be freed if a group or object disappeared.
#include <cstdint>
#include <vector>

#include "heap/heap_model.h"
#include "heap/root_groups.h"

namespace leakseek::heap {

// Nodes of the retention graph: 0 is the virtual root, 1..G the root groups, then objects.
class RetentionGraph {
 public:
  RetentionGraph(const HeapModel& model, const std::vector<RootGroup>& groups)
      : model_(model), groups_(groups) {}
  uint32_t node_count() const { return static_cast<uint32_t>(1 + groups_.size() + model_.object_count()); }
  uint32_t first_object() const { return static_cast<uint32_t>(1 + groups_.size()); }
  bool is_object(uint32_t node) const { return node >= first_object(); }
  bool is_group(uint32_t node) const { return node >= 1 && node < first_object(); }
  ObjectId object(uint32_t node) const { return node - first_object(); }
  uint32_t group(uint32_t node) const { return node - 1; }
  uint32_t object_node(ObjectId id) const { return id + first_object(); }

  uint64_t degree(uint32_t node) const {
    if (node == 0) return groups_.size();
    if (is_group(node)) return groups_[group(node)].targets.size();
    return model_.edge_begin[object(node) + 1] - model_.edge_begin[object(node)];
  }
  uint32_t successor(uint32_t node, uint64_t i) const {
    if (node == 0) return static_cast<uint32_t>(i + 1);
    if (is_group(node)) return object_node(groups_[group(node)].targets[i]);
    return object_node(model_.edge_target[model_.edge_begin[object(node)] + i]);
  }
  template <typename Fn>
  void for_each_successor(uint32_t node, Fn&& fn) const {
    for (uint64_t i = 0, d = degree(node); i < d; i++) fn(successor(node, i));
  }
  uint64_t self_size(uint32_t node) const { return is_object(node) ? model_.size(object(node)) : 0; }

 private:
  const HeapModel& model_;
  const std::vector<RootGroup>& groups_;
};

inline constexpr uint32_t kUnreached = UINT32_MAX;

struct DominatorTree {
  // Depth-first preorder numbering of the nodes reachable from the virtual root.
  std::vector<uint32_t> node_of;  // preorder number -> node
  std::vector<uint32_t> number_of;  // node -> preorder number, kUnreached when unreachable
  std::vector<uint32_t> idom;       // preorder number -> preorder number of its immediate dominator
  std::vector<uint64_t> retained_bytes;    // by preorder number
  std::vector<uint32_t> retained_objects;  // by preorder number, the node itself included

  size_t size() const { return node_of.size(); }
  bool reached(uint32_t node) const { return number_of[node] != kUnreached; }
  uint64_t retained_bytes_of(uint32_t node) const { return retained_bytes[number_of[node]]; }
  uint32_t idom_node(uint32_t node) const { return node_of[idom[number_of[node]]]; }
};

// Semi-NCA over the retention graph, iterative throughout (heaps hold lists millions long).
DominatorTree compute_dominators(const RetentionGraph& graph);

// The dominator tree's children, in CSR form over preorder numbers.
struct DominatorChildren {
  std::vector<uint32_t> begin;  // size() + 1
  std::vector<uint32_t> child;  // preorder numbers
  std::span<const uint32_t> of(uint32_t number) const {
    return {child.data() + begin[number], child.data() + begin[number + 1]};
  }
};
DominatorChildren dominator_children(const DominatorTree& tree);

}  // namespace leakseek::heap
