#include "heap/dominator_top.h"

#include <algorithm>

namespace leakseek::heap {

namespace {

struct Listing {
  std::vector<uint32_t> shown;  // preorder numbers, most retained first
  uint64_t hidden_children = 0;
  uint64_t hidden_bytes = 0;
};

Listing largest_children(const DominatorTree& tree, const DominatorChildren& children,
                         uint32_t number, size_t limit) {
  auto all = children.of(number);
  Listing l;
  l.shown.assign(all.begin(), all.end());
  auto more = [&](uint32_t a, uint32_t b) {
    return tree.retained_bytes[a] != tree.retained_bytes[b]
               ? tree.retained_bytes[a] > tree.retained_bytes[b]
               : tree.node_of[a] < tree.node_of[b];
  };
  size_t keep = std::min(limit, l.shown.size());
  std::partial_sort(l.shown.begin(), l.shown.begin() + static_cast<ptrdiff_t>(keep), l.shown.end(),
                    more);
  for (size_t i = keep; i < l.shown.size(); i++) l.hidden_bytes += tree.retained_bytes[l.shown[i]];
  l.hidden_children = l.shown.size() - keep;
  l.shown.resize(keep);
  return l;
}

}  // namespace

DominatorTop dominator_top(const RetentionGraph& graph, const DominatorTree& tree,
                           const DominatorChildren& children, const DominatorTopOptions& options) {
  const uint32_t root = tree.number_of[options.under];
  DominatorTop top{options.under,
                   tree.retained_bytes[root],
                   tree.retained_objects[root],
                   tree.retained_bytes[0],
                   0,
                   0,
                   {}};
  if (options.depth == 0) {
    top.hidden_children = children.of(root).size();
    top.hidden_bytes = top.retained_bytes - graph.self_size(options.under);
    return top;
  }
  auto first = largest_children(tree, children, root, options.children);
  top.hidden_children = first.hidden_children;
  top.hidden_bytes = first.hidden_bytes;

  // An explicit stack of listings still to print, so a deep --depth cannot exhaust the C stack.
  struct Pending {
    std::vector<uint32_t> numbers;
    size_t next;
    uint32_t depth;
  };
  std::vector<Pending> stack{{std::move(first.shown), 0, 1}};
  while (!stack.empty()) {
    auto& p = stack.back();
    if (p.next == p.numbers.size()) {
      stack.pop_back();
      continue;
    }
    uint32_t v = p.numbers[p.next++];
    uint32_t depth = p.depth;
    uint32_t node = tree.node_of[v];
    DominatorRow row{node,
                     depth,
                     tree.retained_bytes[v],
                     tree.retained_objects[v],
                     graph.self_size(node),
                     children.of(v).size(),
                     depth < options.depth,
                     0,
                     0};
    if (row.expanded) {
      auto l = largest_children(tree, children, v, options.children);
      row.hidden_children = l.hidden_children;
      row.hidden_bytes = l.hidden_bytes;
      top.rows.push_back(row);
      if (!l.shown.empty()) stack.push_back({std::move(l.shown), 0, depth + 1});
    } else {
      row.hidden_children = row.children;
      row.hidden_bytes = row.retained_bytes - row.self_bytes;
      top.rows.push_back(row);
    }
  }
  return top;
}

}  // namespace leakseek::heap
