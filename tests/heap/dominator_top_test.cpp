// The dominator tree from the top and retention as pprof stacks, on the Go-built retention
// fixture whose answers are known (a global slice that alone holds N leaves of known size).
#include <gtest/gtest.h>

#include <algorithm>

#include "heap/dominator_top.h"
#include "heap/heap_loader.h"
#include "heap/retention_profile.h"
#include "heap/root_groups.h"
#include "support/fixtures.h"

namespace leakseek::heap {
namespace {

class DominatorTopTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    facts = test::fixture_facts(GetParam(), "retentionfixture");
    model.emplace(load_heap_dump(test::fixture_path(GetParam(), "retentionfixture", "dump")));
    symbols = binary::ProgramSymbols::load(test::fixture_path(GetParam(), "retentionfixture"));
    groups = group_roots(*model, &*symbols);
    graph.emplace(*model, groups);
    tree = compute_dominators(*graph);
    children = dominator_children(tree);
  }
  uint32_t global_node(const std::string& name) const {
    for (uint32_t g = 0; g < groups.size(); g++)
      if (groups[g].variable == name) return g + 1;
    ADD_FAILURE() << name << " is no root group";
    return 0;
  }

  nlohmann::json facts;
  std::optional<HeapModel> model;
  std::optional<binary::ProgramSymbols> symbols;
  std::vector<RootGroup> groups;
  std::optional<RetentionGraph> graph;
  DominatorTree tree;
  DominatorChildren children;
};

TEST_P(DominatorTopTest, UnderAGlobalListsItsArrayThenTheLargestLeaves) {
  uint64_t n = facts["leaves"], leaf = facts["leaf_size"];
  ObjectId array = model->find(test::hex_addr(facts["slice_array"]));
  ASSERT_NE(array, kNoObject);
  auto top = dominator_top(*graph, tree, children,
                           {.under = global_node("main.leaves"), .children = 5, .depth = 2});
  EXPECT_EQ(top.retained_bytes, model->size(array) + n * leaf);
  EXPECT_EQ(top.retained_objects, n + 1);
  ASSERT_EQ(top.rows.size(), 1u + 5u);
  const auto& a = top.rows[0];
  EXPECT_EQ(a.node, graph->object_node(array));
  EXPECT_EQ(a.depth, 1u);
  EXPECT_EQ(a.self_bytes, model->size(array));
  EXPECT_EQ(a.children, n);
  EXPECT_TRUE(a.expanded);
  EXPECT_EQ(a.hidden_children, n - 5);
  EXPECT_EQ(a.hidden_bytes, (n - 5) * leaf);
  for (size_t i = 1; i < top.rows.size(); i++) {
    EXPECT_EQ(top.rows[i].depth, 2u);
    EXPECT_EQ(top.rows[i].retained_bytes, leaf);
    EXPECT_FALSE(top.rows[i].expanded);
    EXPECT_EQ(top.rows[i].hidden_bytes, 0u);
  }
}

TEST_P(DominatorTopTest, FromTheTopRowsAreSortedAndAccountForEverything) {
  auto top = dominator_top(*graph, tree, children, {.under = 0, .children = 8, .depth = 1});
  EXPECT_EQ(top.retained_bytes, top.live_bytes);
  ASSERT_EQ(top.rows.size(), 8u);
  uint64_t shown = 0;
  for (size_t i = 0; i < top.rows.size(); i++) {
    shown += top.rows[i].retained_bytes;
    if (i) {
      EXPECT_GE(top.rows[i - 1].retained_bytes, top.rows[i].retained_bytes);
    }
  }
  EXPECT_EQ(shown + top.hidden_bytes, top.live_bytes);
  EXPECT_EQ(top.rows.size() + top.hidden_children, children.of(0).size());
  // The slice is the largest thing a user global holds.
  auto leaves = std::find_if(top.rows.begin(), top.rows.end(), [&](const DominatorRow& r) {
    return r.node == global_node("main.leaves");
  });
  EXPECT_NE(leaves, top.rows.end());
}

TEST_P(DominatorTopTest, DepthZeroListsNothing) {
  auto top = dominator_top(*graph, tree, children, {.under = 0, .children = 8, .depth = 0});
  EXPECT_TRUE(top.rows.empty());
  EXPECT_EQ(top.hidden_bytes, top.live_bytes);
}

// cum of a stack = its own values plus those of every stack below it.
std::vector<uint64_t> cum_bytes(const RetentionProfile& p) {
  std::vector<uint64_t> cum(p.stacks.size());
  // Children are interned after their parents: a backwards pass adds each into its parent.
  for (size_t s = p.stacks.size(); s-- > 0;) {
    cum[s] += p.stacks[s].bytes;
    if (p.stacks[s].parent != kNoStack) cum[p.stacks[s].parent] += cum[s];
  }
  return cum;
}

TEST_P(DominatorTopTest, ProfileStacksAddUpToRetainedSizes) {
  auto p = retention_profile(*graph, tree, nullptr, {.own_frame_share = 0.01, .max_depth = 3});
  uint64_t objects = 0, bytes = 0;
  for (const auto& s : p.stacks) objects += s.objects, bytes += s.bytes;
  EXPECT_EQ(objects, tree.retained_objects[0]);
  EXPECT_EQ(bytes, tree.retained_bytes[0]);
  auto cum = cum_bytes(p);
  uint32_t leaves_group = global_node("main.leaves") - 1;
  bool found = false;
  for (size_t s = 0; s < p.stacks.size(); s++) {
    const auto& f = p.frames[p.stacks[s].frame];
    if (f.kind == RetentionFrame::Kind::kGroup && f.id == leaves_group) {
      found = true;
      EXPECT_EQ(cum[s], tree.retained_bytes_of(leaves_group + 1));
    }
    // No stack is deeper than max_depth frames (plus the shared-roots frame), and every one
    // starts at a root.
    uint32_t depth = 0, top = static_cast<uint32_t>(s);
    for (uint32_t t = top; t != kNoStack; t = p.stacks[t].parent) depth++, top = t;
    EXPECT_LE(depth, 4u);
    auto top_kind = p.frames[p.stacks[top].frame].kind;
    EXPECT_TRUE(top_kind == RetentionFrame::Kind::kGroup ||
                top_kind == RetentionFrame::Kind::kShared);
  }
  EXPECT_TRUE(found);
  // The slice's array retains 8000+ bytes, over 1% of this heap: it has a frame of its own,
  // while its 64-byte leaves share one.
  ObjectId array = model->find(test::hex_addr(facts["slice_array"]));
  auto own = std::count_if(p.frames.begin(), p.frames.end(), [&](const RetentionFrame& f) {
    return f.kind == RetentionFrame::Kind::kObject && f.id == array;
  });
  EXPECT_EQ(own, 1);
}

INSTANTIATE_TEST_SUITE_P(Go, DominatorTopTest, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::heap
