#pragma once
// The dominator tree read from the top: under a node (the virtual root, a root group or an
// object), its children that retain the most, expanded a few levels. What a user browses to see
// where the memory sits before asking `why` about one object.
#include <cstdint>
#include <vector>

#include "heap/dominators.h"

namespace leakseek::heap {

struct DominatorTopOptions {
  uint32_t under = 0;    // retention-graph node to start from; 0 is the virtual root
  size_t children = 10;  // at most this many children listed per expanded node
  uint32_t depth = 2;    // levels expanded below `under`
};

struct DominatorRow {
  uint32_t node;   // retention-graph node
  uint32_t depth;  // 1 = a child of `under`
  uint64_t retained_bytes;
  uint64_t retained_objects;
  uint64_t self_bytes;
  uint64_t children;  // all of its children in the dominator tree
  bool expanded;      // its largest children follow it in the listing
  // Children left out of the listing (beyond the limit, or below the last expanded level).
  uint64_t hidden_children;
  uint64_t hidden_bytes;
};

struct DominatorTop {
  uint32_t under;
  uint64_t retained_bytes;    // by `under`
  uint64_t retained_objects;  // by `under`
  uint64_t live_bytes;        // by the virtual root: everything reachable
  uint64_t hidden_children;   // children of `under` beyond the limit
  uint64_t hidden_bytes;
  std::vector<DominatorRow> rows;  // depth-first: each row is followed by its listed children
};

// `under` must be reached (tree.reached(under)).
DominatorTop dominator_top(const RetentionGraph& graph, const DominatorTree& tree,
                           const DominatorChildren& children, const DominatorTopOptions& options);

}  // namespace leakseek::heap
