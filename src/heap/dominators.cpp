#include "heap/dominators.h"

#include <utility>

namespace leakseek::heap {

namespace {

// Preorder numbering and DFS-tree parents, with an explicit stack of (node, next successor).
void number_nodes(const RetentionGraph& graph, DominatorTree& t, BigVector<uint32_t>& parent) {
  t.number_of.assign(graph.node_count(), kUnreached);
  // Reserved, not touched: unreachable nodes cost address space only.
  t.node_of.reserve(graph.node_count());
  parent.reserve(graph.node_count());
  auto visit = [&](uint32_t node, uint32_t from) {
    t.number_of[node] = static_cast<uint32_t>(t.node_of.size());
    t.node_of.push_back(node);
    parent.push_back(from);
  };
  struct Open {
    uint32_t number;
    RetentionGraph::Successors rest;
  };
  visit(0, 0);
  std::vector<Open> stack{{0, graph.successors(0)}};
  while (!stack.empty()) {
    auto& top = stack.back();
    if (top.rest.begin == top.rest.end) {
      stack.pop_back();
      continue;
    }
    uint32_t s = *top.rest.begin++ + top.rest.add;
    if (t.number_of[s] == kUnreached) {
      uint32_t from = top.number;
      visit(s, from);
      stack.push_back({t.number_of[s], graph.successors(s)});
    }
  }
}

struct Predecessors {
  BigVector<uint64_t> begin;
  BigVector<uint32_t> from;
};

Predecessors predecessors(const RetentionGraph& graph, const DominatorTree& t) {
  const size_t n = t.size();
  Predecessors p;
  p.begin.assign(n + 1, 0);
  for (uint32_t v = 0; v < n; v++)
    graph.for_each_successor(t.node_of[v], [&](uint32_t s) { p.begin[t.number_of[s] + 1]++; });
  for (size_t i = 0; i < n; i++) p.begin[i + 1] += p.begin[i];
  p.from.resize(p.begin[n]);
  BigVector<uint64_t> fill(p.begin.begin(), p.begin.end() - 1);
  for (uint32_t v = 0; v < n; v++)
    graph.for_each_successor(t.node_of[v], [&](uint32_t s) { p.from[fill[t.number_of[s]]++] = v; });
  return p;
}

}  // namespace

DominatorTree compute_dominators(const RetentionGraph& graph) {
  DominatorTree t;
  BigVector<uint32_t> parent;
  number_nodes(graph, t, parent);
  const uint32_t n = static_cast<uint32_t>(t.size());
  {
    Predecessors preds = predecessors(graph, t);
    // Semidominators by Lengauer-Tarjan's eval/link with path compression (iterative).
    BigVector<uint32_t> semi(n), label(n), ancestor(n, kUnreached);
    std::vector<uint32_t> path;
    for (uint32_t v = 0; v < n; v++) semi[v] = label[v] = v;
    auto eval = [&](uint32_t v) {
      if (ancestor[v] == kUnreached) return v;
      path.clear();
      for (uint32_t x = v; ancestor[ancestor[x]] != kUnreached; x = ancestor[x]) path.push_back(x);
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        uint32_t x = *it, a = ancestor[x];
        if (semi[label[a]] < semi[label[x]]) label[x] = label[a];
        ancestor[x] = ancestor[a];
      }
      return label[v];
    };
    for (uint32_t w = n - 1; w >= 1; w--) {
      for (uint64_t e = preds.begin[w]; e < preds.begin[w + 1]; e++) {
        uint32_t u = eval(preds.from[e]);
        if (semi[u] < semi[w]) semi[w] = semi[u];
      }
      ancestor[w] = parent[w];
    }
    // Nearest common ancestor step: the idom is the deepest ancestor not below the semidominator.
    t.idom.assign(n, 0);
    for (uint32_t w = 1; w < n; w++) {
      uint32_t d = parent[w];
      while (d > semi[w]) d = t.idom[d];
      t.idom[w] = d;
    }
  }
  t.retained_bytes.resize(n);
  t.retained_objects.resize(n);
  for (uint32_t v = 0; v < n; v++) {
    t.retained_bytes[v] = graph.self_size(t.node_of[v]);
    t.retained_objects[v] = graph.is_object(t.node_of[v]) ? 1 : 0;
  }
  // A dominator precedes what it dominates in preorder, so one backward sweep sums subtrees.
  for (uint32_t v = n - 1; v >= 1; v--) {
    t.retained_bytes[t.idom[v]] += t.retained_bytes[v];
    t.retained_objects[t.idom[v]] += t.retained_objects[v];
  }
  return t;
}

DominatorChildren dominator_children(const DominatorTree& t) {
  const size_t n = t.size();
  DominatorChildren c;
  c.begin.assign(n + 1, 0);
  for (uint32_t v = 1; v < n; v++) c.begin[t.idom[v] + 1]++;
  for (size_t i = 0; i < n; i++) c.begin[i + 1] += c.begin[i];
  c.child.resize(n ? n - 1 : 0);
  BigVector<uint32_t> fill(c.begin.begin(), c.begin.end() - 1);
  for (uint32_t v = 1; v < n; v++) c.child[fill[t.idom[v]]++] = v;
  return c;
}

}  // namespace leakseek::heap
