// Dominators checked against the definition (d dominates w when removing d cuts w off from the
// root) on random graphs, including cycles, self-loops and unreachable parts.
#include <gtest/gtest.h>

#include <random>

#include "heap/dominators.h"

namespace leakseek::heap {
namespace {

// A model with only what the retention graph reads: sizes and edges.
HeapModel random_model(std::mt19937& rng, uint32_t n, uint32_t edges_per_node) {
  HeapModel m;
  std::uniform_int_distribution<uint32_t> pick(0, n - 1), size(1, 64), deg(0, edges_per_node);
  m.edge_begin.push_back(0);
  for (uint32_t i = 0; i < n; i++) {
    m.object_addr.push_back(0x1000 + 0x100 * i);
    m.object_size32.push_back(size(rng));
    for (uint32_t k = deg(rng); k > 0; k--) m.edge_target.push_back(pick(rng));
    m.edge_begin.push_back(m.edge_target.size());
  }
  return m;
}

std::vector<RootGroup> random_groups(std::mt19937& rng, uint32_t n, uint32_t count) {
  std::uniform_int_distribution<uint32_t> pick(0, n - 1);
  std::vector<RootGroup> groups(count);
  for (auto& g : groups) {
    g.kind = RootGroupKind::kGlobal;
    g.targets = {pick(rng)};
    if (rng() % 2) g.targets.push_back(pick(rng));
    std::sort(g.targets.begin(), g.targets.end());
    g.targets.erase(std::unique(g.targets.begin(), g.targets.end()), g.targets.end());
  }
  return groups;
}

std::vector<bool> reachable_without(const RetentionGraph& g, uint32_t removed) {
  std::vector<bool> seen(g.node_count());
  std::vector<uint32_t> stack;
  if (removed != 0) seen[0] = true, stack.push_back(0);
  while (!stack.empty()) {
    uint32_t v = stack.back();
    stack.pop_back();
    g.for_each_successor(v, [&](uint32_t s) {
      if (s != removed && !seen[s]) seen[s] = true, stack.push_back(s);
    });
  }
  return seen;
}

TEST(Dominators, MatchTheDefinitionOnRandomGraphs) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; round++) {
    uint32_t n = 2 + rng() % 40;
    auto model = random_model(rng, n, 1 + rng() % 3);
    auto groups = random_groups(rng, n, 1 + rng() % 4);
    RetentionGraph graph(model, groups);
    auto tree = compute_dominators(graph);
    const uint32_t nodes = graph.node_count();
    auto reach = reachable_without(graph, UINT32_MAX);
    // dom[d][w]: d dominates w.
    std::vector<std::vector<bool>> dom(nodes, std::vector<bool>(nodes));
    for (uint32_t d = 0; d < nodes; d++) {
      auto r = reachable_without(graph, d);
      for (uint32_t w = 0; w < nodes; w++) dom[d][w] = reach[w] && (w == d || !r[w]);
    }
    for (uint32_t w = 0; w < nodes; w++) {
      ASSERT_EQ(tree.reached(w), static_cast<bool>(reach[w]));
      if (!reach[w] || w == 0) continue;
      // The immediate dominator: the strict dominator that every other strict dominator dominates.
      uint32_t want = UINT32_MAX;
      for (uint32_t d = 0; d < nodes; d++) {
        if (d == w || !dom[d][w]) continue;
        bool closest = true;
        for (uint32_t e = 0; e < nodes; e++)
          if (e != w && e != d && dom[e][w] && !dom[e][d]) closest = false;
        if (closest) want = d;
      }
      ASSERT_EQ(tree.idom_node(w), want) << "round " << round << " node " << w;
      // Retained size: everything it dominates.
      uint64_t bytes = 0;
      for (uint32_t x = 0; x < nodes; x++)
        if (dom[w][x]) bytes += graph.self_size(x);
      ASSERT_EQ(tree.retained_bytes_of(w), bytes);
    }
  }
}

TEST(Dominators, DeepChainNeedsNoRecursion) {
  // A 2-million-long list: recursion would overflow the stack.
  HeapModel m;
  const uint32_t n = 2'000'000;
  m.edge_begin.push_back(0);
  for (uint32_t i = 0; i < n; i++) {
    m.object_addr.push_back(0x1000 + 16ull * i);
    m.object_size32.push_back(16);
    if (i + 1 < n) m.edge_target.push_back(i + 1);
    m.edge_begin.push_back(m.edge_target.size());
  }
  std::vector<RootGroup> groups(1);
  groups[0].targets = {0};
  RetentionGraph graph(m, groups);
  auto tree = compute_dominators(graph);
  EXPECT_EQ(tree.retained_bytes_of(1), 16ull * n);
  EXPECT_EQ(tree.retained_bytes_of(graph.object_node(n / 2)), 16ull * (n - n / 2));
  EXPECT_EQ(tree.idom_node(graph.object_node(n - 1)), graph.object_node(n - 2));
  auto children = dominator_children(tree);
  EXPECT_EQ(children.of(0).size(), 1u);
}

}  // namespace
}  // namespace leakseek::heap
