// Retained sizes and finalizer findings on Go-built fixtures whose answers are known.
#include <gtest/gtest.h>

#include <algorithm>

#include "heap/dominators.h"
#include "heap/heap_loader.h"
#include "heap/retention.h"
#include "heap/root_groups.h"
#include "support/fixtures.h"

namespace leakseek::heap {
namespace {

struct Analysed {
  HeapModel model;
  std::optional<binary::ProgramSymbols> symbols;
  std::vector<RootGroup> groups;
  DominatorTree tree;
  RetentionReport report;

  Analysed(const std::string& go, const std::string& name)
      : model(load_heap_dump(test::fixture_path(go, name, "dump"))),
        symbols(binary::ProgramSymbols::load(test::fixture_path(go, name))),
        groups(group_roots(model, &*symbols)),
        tree(compute_dominators(RetentionGraph(model, groups))),
        report(analyze_retention(model, groups, tree, dominator_children(tree))) {}

  const RootGroup* global(const std::string& name) const {
    for (const auto& g : groups)
      if (g.variable == name) return &g;
    return nullptr;
  }
  uint32_t node_of(const RootGroup* g) const {
    return static_cast<uint32_t>(g - groups.data()) + 1;
  }
  // The root group whose dominator subtree holds the object.
  uint32_t owner(ObjectId id) const {
    uint32_t v = tree.number_of[RetentionGraph(model, groups).object_node(id)];
    while (tree.idom[v] != 0) v = tree.idom[v];
    return tree.node_of[v];
  }
};

class Retention : public ::testing::TestWithParam<std::string> {};

TEST_P(Retention, GlobalSliceRetainsExactlyItsLeaves) {
  auto facts = test::fixture_facts(GetParam(), "retentionfixture");
  Analysed a(GetParam(), "retentionfixture");
  const RootGroup* leaves = a.global("main.leaves");
  ASSERT_NE(leaves, nullptr);
  ObjectId array = a.model.find(test::hex_addr(facts["slice_array"]));
  ASSERT_NE(array, kNoObject);
  uint64_t n = facts["leaves"], leaf = facts["leaf_size"];
  EXPECT_EQ(a.tree.retained_bytes_of(a.node_of(leaves)), a.model.size(array) + n * leaf);
  EXPECT_EQ(a.tree.retained_objects[a.tree.number_of[a.node_of(leaves)]], n + 1);
  // An object held by three globals is retained by none of them.
  ObjectId shared = a.model.find(test::hex_addr(facts["shared"]));
  EXPECT_EQ(a.tree.idom_node(RetentionGraph(a.model, a.groups).object_node(shared)), 0u);
  // And main.leaves is the top user retainer.
  auto top = std::find_if(a.report.top_retainers.begin(), a.report.top_retainers.end(),
                          [&](const Retainer& r) {
                            return a.groups[r.group].variable.value_or("").starts_with("main.");
                          });
  ASSERT_NE(top, a.report.top_retainers.end());
  EXPECT_EQ(a.groups[top->group].variable, "main.leaves");
  ASSERT_FALSE(a.report.suspects.empty());
  EXPECT_EQ(a.groups[a.report.suspects.front().group].variable, "main.leaves");
}

TEST_P(Retention, GoroutineLocalListIsAttributedToItsGoroutine) {
  auto facts = test::fixture_facts(GetParam(), "heapfixture");
  Analysed a(GetParam(), "heapfixture");
  for (const auto& g : facts["goroutines"]) {
    ObjectId head = a.model.find(test::hex_addr(g["local_head"]));
    uint32_t owner = a.owner(head);
    ASSERT_TRUE(owner >= 1 && owner <= a.groups.size());
    const auto& group = a.groups[owner - 1];
    ASSERT_EQ(group.kind, RootGroupKind::kGoroutine);
    EXPECT_EQ(a.model.goroutines[group.index].record.goid, g["goid"].get<uint64_t>());
    // Ten 32-byte nodes, all held by that goroutine alone.
    EXPECT_GE(a.tree.retained_bytes_of(owner), 10u * 32u);
  }
}

TEST_P(Retention, FinalizerCycleIsReportedNeverCollectable) {
  auto facts = test::fixture_facts(GetParam(), "heapfixture");
  Analysed a(GetParam(), "heapfixture");
  ObjectId x = a.model.find(test::hex_addr(facts["cycle"]["x"]));
  ObjectId y = a.model.find(test::hex_addr(facts["cycle"]["y"]));
  auto it = std::find_if(a.report.finalizer_cycles.begin(), a.report.finalizer_cycles.end(),
                         [&](const FinalizerCycle& c) { return c.object == x; });
  ASSERT_NE(it, a.report.finalizer_cycles.end());
  EXPECT_EQ(it->cycle, (std::vector<ObjectId>{x, y, x}));
  EXPECT_EQ(it->retained_bytes, a.model.size(x) + a.model.size(y));
  // Its family: every cycle with the same finalizer function, bytes summed.
  const size_t index = static_cast<size_t>(it - a.report.finalizer_cycles.begin());
  const uint64_t fn = a.model.finalizers[it->finalizer].fn_code;
  size_t in_families = 0;
  for (const auto& family : a.report.cycle_families) {
    in_families += family.cycles.size();
    uint64_t bytes = 0;
    for (size_t c : family.cycles) {
      EXPECT_EQ(a.model.finalizers[a.report.finalizer_cycles[c].finalizer].fn_code, family.fn_code);
      bytes += a.report.finalizer_cycles[c].retained_bytes;
    }
    EXPECT_EQ(bytes, family.retained_bytes);
    if (family.fn_code == fn)
      EXPECT_NE(std::find(family.cycles.begin(), family.cycles.end(), index), family.cycles.end());
  }
  EXPECT_EQ(in_families, a.report.finalizer_cycles.size());
  // The reachable finalized object is not a cycle.
  ObjectId with_fin = a.model.find(test::hex_addr(facts["with_finalizer"]));
  EXPECT_TRUE(std::none_of(a.report.finalizer_cycles.begin(), a.report.finalizer_cycles.end(),
                           [&](const FinalizerCycle& c) { return c.object == with_fin; }));
  EXPECT_FALSE(a.report.finalizer_goroutine && a.report.finalizer_goroutine->blocked);
}

TEST_P(Retention, BlockedFinalizerAndItsQueue) {
  auto facts = test::fixture_facts(GetParam(), "finalizerstall");
  Analysed a(GetParam(), "finalizerstall");
  ASSERT_TRUE(a.report.finalizer_goroutine.has_value());
  EXPECT_TRUE(a.report.finalizer_goroutine->blocked);
  EXPECT_EQ(a.report.finalizer_goroutine->function, facts["blocked_function"].get<std::string>());
  uint64_t queued = facts["queued_expected"];
  EXPECT_EQ(a.report.queue.count, facts["queued_records"].get<uint64_t>());
  // Each queued resource holds itself and its blob; the one being finalized is also on the
  // finalizer goroutine's stack, so the queue alone does not retain it.
  ASSERT_FALSE(a.report.queue.by_function.empty());
  const auto& release = a.report.queue.by_function.front();
  EXPECT_EQ(release.count, queued);
  uint64_t resource = facts["resource_size"], blob = facts["blob_size"];
  EXPECT_GE(release.retained_bytes, queued * (resource + blob));
  EXPECT_LT(release.retained_bytes, queued * (resource + blob + 32));
  EXPECT_EQ(a.report.queue.retained_objects, 2 * queued);
  ASSERT_EQ(a.symbols->function_at(release.key)->name, "main.release");
}

INSTANTIATE_TEST_SUITE_P(Go, Retention, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::heap
