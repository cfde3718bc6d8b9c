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
      : model_(model), groups_(groups) {
    for (uint32_t g = 0; g < groups.size(); g++) group_nodes_.push_back(g + 1);
  }
  uint32_t node_count() const {
    return static_cast<uint32_t>(1 + groups_.size() + model_.object_count());
  }
  uint32_t first_object() const { return static_cast<uint32_t>(1 + groups_.size()); }
  bool is_object(uint32_t node) const { return node >= first_object(); }
  bool is_group(uint32_t node) const { return node >= 1 && node < first_object(); }
  ObjectId object(uint32_t node) const { return node - first_object(); }
  uint32_t group(uint32_t node) const { return node - 1; }
  uint32_t object_node(ObjectId id) const { return id + first_object(); }

  // A node's successors as a run of ids to which `add` turns into node numbers: the virtual
  // root's are group nodes, everything else points at objects.
  struct Successors {
    const uint32_t* begin;
    const uint32_t* end;
    uint32_t add;
  };
  Successors successors(uint32_t node) const {
    if (node == 0) return {group_nodes_.data(), group_nodes_.data() + group_nodes_.size(), 0};
    if (is_group(node)) {
      const auto& t = groups_[group(node)].targets;
      return {t.data(), t.data() + t.size(), first_object()};
    }
    auto c = model_.children(object(node));
    return {c.data(), c.data() + c.size(), first_object()};
  }
  template <typename Fn>
  void for_each_successor(uint32_t node, Fn&& fn) const {
    auto s = successors(node);
    for (const uint32_t* p = s.begin; p != s.end; ++p) fn(*p + s.add);
  }
  uint64_t self_size(uint32_t node) const {
    return is_object(node) ? model_.size(object(node)) : 0;
  }

 private:
  const HeapModel& model_;
  const std::vector<RootGroup>& groups_;
  std::vector<uint32_t> group_nodes_;
};

inline constexpr uint32_t kUnreached = UINT32_MAX;

struct DominatorTree {
  // Depth-first preorder numbering of the nodes reachable from the virtual root.
  BigVector<uint32_t> node_of;    // preorder number -> node
  BigVector<uint32_t> number_of;  // node -> preorder number, kUnreached when unreachable
  BigVector<uint32_t> idom;       // preorder number -> preorder number of its immediate dominator
  BigVector<uint64_t> retained_bytes;    // by preorder number
  BigVector<uint32_t> retained_objects;  // by preorder number, the node itself included

  size_t size() const { return node_of.size(); }
  bool reached(uint32_t node) const { return number_of[node] != kUnreached; }
  uint64_t retained_bytes_of(uint32_t node) const { return retained_bytes[number_of[node]]; }
  uint32_t idom_node(uint32_t node) const { return node_of[idom[number_of[node]]]; }
};

// Semi-NCA over the retention graph, iterative throughout (heaps hold lists millions long).
DominatorTree compute_dominators(const RetentionGraph& graph);

// The dominator tree's children, in CSR form over preorder numbers.
struct DominatorChildren {
  BigVector<uint32_t> begin;  // size() + 1
  BigVector<uint32_t> child;  // preorder numbers
  std::span<const uint32_t> of(uint32_t number) const {
    return {child.data() + begin[number], child.data() + begin[number + 1]};
  }
};
DominatorChildren dominator_children(const DominatorTree& tree);

// The root groups, retention graph and dominator tree together, as every retention report needs
// them. Built in place and never moved: the graph refers to the groups.
struct HeapRetention {
  HeapRetention(const HeapModel& model, const binary::ProgramSymbols* symbols)
      : groups(group_roots(model, symbols)),
        graph(model, groups),
        tree(compute_dominators(graph)),
        children(dominator_children(tree)) {}
  HeapRetention(const HeapRetention&) = delete;
  HeapRetention& operator=(const HeapRetention&) = delete;

  std::vector<RootGroup> groups;
  RetentionGraph graph;
  DominatorTree tree;
  DominatorChildren children;
};

}  // namespace leakseek::heap
