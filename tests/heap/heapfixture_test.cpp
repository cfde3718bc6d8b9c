// Facts that the Go fixture program printed about its own heap, checked against what we read
// from its dump. Runs once per Go version.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "binary/program_symbols.h"
#include "heap/heap_loader.h"
#include "heap/object_inspection.h"
#include "heap/oid_search.h"
#include "heap/owner_graph.h"
#include "heap/owners.h"
#include "heap/reachability.h"
#include "heap/root_description.h"
#include "heap/root_paths.h"
#include "heap/summary.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using heap::ObjectId;

class HeapFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    facts = test::fixture_facts(GetParam(), "heapfixture");
    model = std::make_unique<heap::HeapModel>(
        heap::load_heap_dump(test::fixture_path(GetParam(), "heapfixture", "dump")));
    symbols = binary::ProgramSymbols::load(test::fixture_path(GetParam(), "heapfixture"));
    reach = std::make_unique<heap::Reachability>(heap::compute_reachability(*model));
    reverse = std::make_unique<heap::ReverseGraph>(*model);
  }
  ObjectId at(const nlohmann::json& addr) const { return model->find(test::hex_addr(addr)); }
  bool has_edge(ObjectId from, ObjectId to) const {
    auto c = model->children(from);
    return std::find(c.begin(), c.end(), to) != c.end();
  }
  heap::WhyResult why(const nlohmann::json& addr) const {
    return heap::explain_retention(*model, *reverse, at(addr));
  }

  nlohmann::json facts;
  std::unique_ptr<heap::HeapModel> model;
  std::optional<binary::ProgramSymbols> symbols;
  std::unique_ptr<heap::Reachability> reach;
  std::unique_ptr<heap::ReverseGraph> reverse;
};

TEST_P(HeapFixture, ParamsMatchTheProgram) {
  EXPECT_EQ(model->go_version(), facts["go_version"].get<std::string>());
  EXPECT_EQ(model->ptr_size(), facts["ptr_size"].get<uint64_t>());
  ASSERT_TRUE(model->mem_stats.has_value());
  // The dump's MemStats are read at dump time; the program read them right after.
  EXPECT_EQ(model->mem_stats->num_gc, facts["memstats_after_dump"]["NumGC"].get<uint64_t>());
}

TEST_P(HeapFixture, LinkedListNodesAreObjectsChainedInOrder) {
  const auto& nodes = facts["list"]["nodes"];
  ASSERT_EQ(nodes.size(), 500u);
  ObjectId prev = heap::kNoObject;
  for (const auto& n : nodes) {
    ObjectId id = at(n);
    ASSERT_NE(id, heap::kNoObject) << n;
    EXPECT_EQ(model->object_addr[id], test::hex_addr(n));
    EXPECT_EQ(model->size(id), facts["list"]["node_size"].get<uint64_t>());
    EXPECT_TRUE(reach->live.contains(id));
    if (prev != heap::kNoObject) {
      EXPECT_TRUE(has_edge(prev, id));
    }
    prev = id;
  }
}

TEST_P(HeapFixture, GlobalListHeadIsRootedBySymbol) {
  auto r = why(facts["list"]["head"]);
  ASSERT_EQ(r.retention, heap::Retention::kRooted);
  ASSERT_FALSE(r.paths.empty());
  auto d = heap::describe_root(*model, &*symbols, r.paths.front().root);
  EXPECT_EQ(d.kind, heap::RootKind::kBss);
  EXPECT_EQ(d.variable.value_or(""), "main.list");
  EXPECT_EQ(r.paths.front().steps.size(), 1u);
}

TEST_P(HeapFixture, StructGraphHasKnownShape) {
  const auto& g = facts["graph"];
  ObjectId a = at(g["a"]), b = at(g["b"]), c = at(g["c"]), d = at(g["d"]);
  EXPECT_TRUE(has_edge(a, b));
  EXPECT_TRUE(has_edge(a, c));
  EXPECT_TRUE(has_edge(b, d));
  EXPECT_TRUE(has_edge(c, d));
  EXPECT_TRUE(model->children(d).empty());
  auto owners = heap::find_owners(*model, *reverse, d, 1);
  std::vector<ObjectId> direct;
  for (const auto& e : owners.edges) direct.push_back(e.owner);
  std::sort(direct.begin(), direct.end());
  std::vector<ObjectId> want{b, c};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(direct, want);
  auto to_root = heap::find_owners(*model, *reverse, d, -1);
  bool graph_root =
      std::any_of(to_root.roots.begin(), to_root.roots.end(), [&](const heap::Root& r) {
        return heap::describe_root(*model, &*symbols, r).variable.value_or("") == "main.graphRoot";
      });
  EXPECT_TRUE(graph_root);
  auto path = why(g["d"]);
  ASSERT_EQ(path.retention, heap::Retention::kRooted);
  EXPECT_EQ(path.paths.front().steps.size(), 3u);  // graphRoot -> A -> B|C -> D
}

TEST_P(HeapFixture, FinalizerCycleIsNeverCollectable) {
  auto x = at(facts["cycle"]["x"]), y = at(facts["cycle"]["y"]);
  EXPECT_TRUE(has_edge(x, y));
  EXPECT_TRUE(has_edge(y, x));
  EXPECT_TRUE(reach->live.contains(x));
  auto r = why(facts["cycle"]["y"]);
  EXPECT_EQ(r.retention, heap::Retention::kFinalizerCycle);
  EXPECT_EQ(r.finalized_object, x);
  ASSERT_GE(r.cycle.size(), 3u);
  EXPECT_EQ(r.cycle.front(), x);
  EXPECT_EQ(r.cycle.back(), x);
  auto inspect = heap::inspect_object(*model, *reach, x, model->object_addr[x]);
  EXPECT_TRUE(inspect.has_finalizer);
}

TEST_P(HeapFixture, BigObjectPointerResolvesToItsSlot) {
  uint64_t ptr = test::hex_addr(facts["big"]["ptr"]);
  ObjectId big = model->find(ptr);
  ASSERT_NE(big, heap::kNoObject);
  bool header = GetParam() >= "go1.22";
  EXPECT_EQ(model->object_addr[big], header ? ptr - 8 : ptr);
  EXPECT_GE(model->size(big), facts["big"]["type_size"].get<uint64_t>() + (header ? 8 : 0));
  ObjectId target = at(facts["big"]["ptrs0_target"]);
  auto offs = heap::edge_offsets(*model, big, target);
  ASSERT_EQ(offs.size(), 1u);
  EXPECT_EQ(offs[0], header ? 8u : 0u);
  // The global points 8 bytes into the slot on 1.22+: still a root of that object.
  auto r = heap::explain_retention(*model, *reverse, big);
  ASSERT_EQ(r.retention, heap::Retention::kRooted);
  EXPECT_EQ(heap::describe_root(*model, &*symbols, r.paths.front().root).variable.value_or(""),
            "main.big");
}

TEST_P(HeapFixture, OidMarkersAreFound) {
  std::vector<heap::OidEntry> oids = {{test::hex_addr(facts["marked"]["oid"]), "leakseek.marker"},
                                      {test::hex_addr(facts["marked2"]["oid"]), "coffee"}};
  auto all = heap::find_by_oid(*model, oids, std::regex("."));
  ASSERT_EQ(all.size(), 2u);
  auto only = heap::find_by_oid(*model, oids, std::regex("^leak"));
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(model->object_addr[only[0].object], test::hex_addr(facts["marked"]["ptr"]));
}

TEST_P(HeapFixture, GoroutineLocalListsAreHeldByTheirFrames) {
  ASSERT_EQ(facts["goroutines"].size(), 5u);
  for (const auto& g : facts["goroutines"]) {
    auto r = why(g["local_head"]);
    ASSERT_EQ(r.retention, heap::Retention::kRooted);
    auto frame = std::find_if(r.paths.begin(), r.paths.end(), [](const heap::RootPath& p) {
      return p.root.kind == heap::RootKind::kStackFrame;
    });
    ASSERT_NE(frame, r.paths.end());
    auto d = heap::describe_root(*model, nullptr, frame->root);
    EXPECT_EQ(d.goid.value_or(0), g["goid"].get<uint64_t>());
    EXPECT_NE(d.function.find("main."), std::string_view::npos);
    // Nothing else holds it.
    EXPECT_EQ(r.paths.size(), 1u);
  }
  auto parked = std::count_if(
      model->goroutines.begin(), model->goroutines.end(),
      [](const heap::Goroutine& g) { return g.record.wait_reason == "chan receive"; });
  EXPECT_GE(parked, 5);
}

TEST_P(HeapFixture, SummaryCountsMatchTheRuntime) {
  auto s = heap::summarize(*model, reach->objects, reach->bytes);
  EXPECT_EQ(s.objects, model->record_counts[1]);
  EXPECT_GE(s.finalizers_registered, facts["finalizers_registered_min"].get<uint64_t>());
  EXPECT_EQ(s.finalizers_queued, 0u);
  // The runtime's own count of live heap objects, taken during the dump, and ours agree within
  // the few objects allocated while the dump was being prepared.
  auto heap_objects = model->mem_stats->fields[11];
  EXPECT_LE(s.reachable_objects, heap_objects);
  EXPECT_GE(s.reachable_objects + 5, heap_objects);
  EXPECT_GT(s.roots_by_kind[static_cast<size_t>(heap::RootKind::kStackFrame)], 0u);
  EXPECT_GT(s.roots_by_kind[static_cast<size_t>(heap::RootKind::kBss)], 0u);
}

TEST_P(HeapFixture, AllocationSamplesNameTheAllocatingFunction) {
  ObjectId head = at(facts["list"]["head"]);
  auto o = heap::inspect_object(*model, *reach, head, model->object_addr[head]);
  ASSERT_NE(o.allocation, nullptr);
  bool found =
      std::any_of(o.allocation->frames.begin(), o.allocation->frames.end(),
                  [](const format::MemProfFrame& f) { return f.function == "main.buildList"; });
  EXPECT_TRUE(found);
}

TEST_P(HeapFixture, AddressLookupAgreesWithLinearScan) {
  for (ObjectId id = 0; id < model->object_count(); id++) {
    uint64_t a = model->object_addr[id], n = model->size(id);
    ASSERT_EQ(model->find(a), id);
    ASSERT_EQ(model->find(a + n - 1), id);
    bool next_is_adjacent = id + 1 < model->object_count() && model->object_addr[id + 1] == a + n;
    ASSERT_EQ(model->find(a + n), next_is_adjacent ? id + 1 : heap::kNoObject);
  }
}

TEST_P(HeapFixture, OwnerGraphKeepsRootsAndMarksFinalizers) {
  ObjectId y = at(facts["cycle"]["y"]);
  auto g = heap::build_owner_graph(*model, *reverse, *reach, y, -1, 100);
  ASSERT_EQ(g.nodes.front(), y);
  ObjectId x = at(facts["cycle"]["x"]);
  auto pos = std::find(g.nodes.begin(), g.nodes.end(), x);
  ASSERT_NE(pos, g.nodes.end());
  EXPECT_TRUE(g.has_finalizer[pos - g.nodes.begin()]);
}

INSTANTIATE_TEST_SUITE_P(Go, HeapFixture, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

class FinalizerStall : public ::testing::TestWithParam<std::string> {};

TEST_P(FinalizerStall, QueuedFinalizersAreRootsAndCounted) {
  auto facts = test::fixture_facts(GetParam(), "finalizerstall");
  auto m = heap::load_heap_dump(test::fixture_path(GetParam(), "finalizerstall", "dump"));
  EXPECT_EQ(m.queued_finalizers.size(), facts["queued_records"].get<uint64_t>());
  auto reach = heap::compute_reachability(m);
  // Every queued object is alive: the queue holds it.
  for (const auto& q : m.queued_finalizers) {
    auto id = m.find(q.object);
    ASSERT_NE(id, heap::kNoObject);
    EXPECT_TRUE(reach.live.contains(id));
    // Its size class: the struct's size rounded up to the next class (136 -> 144).
    EXPECT_GE(m.size(id), facts["resource_size"].get<uint64_t>());
    EXPECT_LT(m.size(id), facts["resource_size"].get<uint64_t>() + 16);
  }
  auto s = heap::summarize(m, reach.objects, reach.bytes);
  EXPECT_EQ(s.roots_by_kind[static_cast<size_t>(heap::RootKind::kQueuedObject)],
            facts["queued_records"].get<uint64_t>());
  // The blocked finalizer's goroutine is parked inside the user function.
  bool blocked = std::any_of(m.frames.begin(), m.frames.end(), [&](const heap::Frame& f) {
    return f.function == facts["blocked_function"].get<std::string>();
  });
  EXPECT_TRUE(blocked);
}

INSTANTIATE_TEST_SUITE_P(Go, FinalizerStall, ::testing::ValuesIn(test::heap_fixture_sets()),
                         test::GoVersionName());

// What we find reachable is what the runtime counted as allocated when it wrote the dump, on
// every Go version: the dump's extra slots (Go 1.22+ unused tail slots, Go 1.26's Green Tea
// inline mark bits at the end of small-object spans) never count as live. The runtime's figures
// include the few objects allocated and dropped since the last collection.
class LiveMatchesMemStats : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
};

TEST_P(LiveMatchesMemStats, ReachableIsWhatTheRuntimeCounted) {
  const auto& [set, name] = GetParam();
  auto m = heap::load_heap_dump(test::fixture_path(set, name, "dump"));
  ASSERT_TRUE(m.mem_stats.has_value());
  auto reach = heap::compute_reachability(m);
  // MemStats fields in the dump's order: HeapAlloc is the 7th, HeapObjects the 12th.
  const uint64_t bytes = m.mem_stats->fields[6], objects = m.mem_stats->fields[11];
  EXPECT_LE(reach.objects, objects);
  EXPECT_LE(reach.bytes, bytes);
  EXPECT_LE(objects - std::min(objects, reach.objects), 8u) << reach.objects << " of " << objects;
  EXPECT_LE(bytes - std::min(bytes, reach.bytes), 1024u) << reach.bytes << " of " << bytes;
}

INSTANTIATE_TEST_SUITE_P(Go, LiveMatchesMemStats,
                         ::testing::Combine(::testing::ValuesIn(test::heap_fixture_sets()),
                                            // The programs that collect right before dumping.
                                            ::testing::Values("heapfixture", "retentionfixture",
                                                              "finalizerstall", "typefixture")),
                         [](const auto& info) {
                           return test::param_name(std::get<0>(info.param)) + "_" +
                                  std::get<1>(info.param);
                         });

}  // namespace
}  // namespace leakseek
