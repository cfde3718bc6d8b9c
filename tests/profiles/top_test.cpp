// `profile top` against `go tool pprof -top` from Go 1.23: every row, flat and cum, in the same
// order, on real heap, allocs and goroutine profiles written by Go 1.19 and 1.23, and on small
// crafted profiles for recursion, inlining and trimming.
#include <gtest/gtest.h>

#include "format/pprof_reader.h"
#include "format/pprof_writer.h"
#include "profiles/sample_index.h"
#include "profiles/top.h"
#include "report/profile_top.h"
#include "support/fixtures.h"
#include "support/pprof_top_rows.h"

namespace leakseek {
namespace {

using profiles::Profile;
using profiles::ProfileData;

std::vector<test::GoTopRow> rows_of(const profiles::TopResult& r) {
  std::vector<test::GoTopRow> rows;
  for (const auto& row : r.rows)
    rows.push_back({row.function + report::inline_suffix(row.inline_mark), row.flat, row.cum});
  return rows;
}

// Compares every row and the total with pprof for one file and sample index ("" = default).
void expect_same_as_pprof(const std::string& file, const std::string& sample_index) {
  SCOPED_TRACE(file + " sample_index=" + sample_index);
  Profile p = format::read_pprof_file(file);
  profiles::TopOptions o;
  o.sample_index = profiles::resolve_sample_index(p, sample_index);
  auto ours = profiles::top(p, o);
  auto go = test::go_pprof_top(file, sample_index);
  EXPECT_EQ(ours.total, go.total);
  ASSERT_FALSE(go.rows.empty());
  EXPECT_EQ(rows_of(ours), go.rows);
}

std::string fixture_profile(const std::string& go, const std::string& kind) {
  auto facts = test::fixture_facts(go, "profilefixture");
  return test::fixture_dir() + "/" + go + "/" + facts["profiles"][kind].get<std::string>();
}

class TopAgainstPprof : public ::testing::TestWithParam<std::string> {};

TEST_P(TopAgainstPprof, HeapProfileEverySampleType) {
  std::string file = fixture_profile(GetParam(), "heap");
  for (std::string type : {"", "alloc_objects", "alloc_space", "inuse_objects", "inuse_space"})
    expect_same_as_pprof(file, type);
}

TEST_P(TopAgainstPprof, AllocsProfileEverySampleType) {
  std::string file = fixture_profile(GetParam(), "allocs");
  for (std::string type : {"", "alloc_objects", "inuse_space"}) expect_same_as_pprof(file, type);
}

TEST_P(TopAgainstPprof, GoroutineProfile) {
  expect_same_as_pprof(fixture_profile(GetParam(), "goroutine"), "");
}

// Go 1.27's goroutine leak profile is a profile like any other to pprof.
TEST_P(TopAgainstPprof, GoroutineLeakProfile) {
  if (GetParam() < "go1.27") return;  // served from Go 1.27 on (1.26 only by GOEXPERIMENT)
  auto facts = test::fixture_facts(GetParam(), "goroutineleak");
  expect_same_as_pprof(
      test::fixture_dir() + "/" + GetParam() + "/" + facts["files"]["debug0"].get<std::string>(),
      "");
}

// The trend fixture's last snapshot has functions pprof marks "(inline)".
TEST_P(TopAgainstPprof, TrendSnapshotWithInlinedFrames) {
  auto facts = test::fixture_facts(GetParam(), "profiletrend");
  std::string dir =
      test::fixture_dir() + "/" + GetParam() + "/" + facts["directory"].get<std::string>();
  for (const auto& name : facts["profiles"])
    expect_same_as_pprof(dir + "/" + name.get<std::string>(), "");
}

TEST_P(TopAgainstPprof, FixtureFactsShowInTheRows) {
  auto facts = test::fixture_facts(GetParam(), "profilefixture");
  Profile p = format::read_pprof_file(fixture_profile(GetParam(), "heap"));
  profiles::TopOptions o;
  o.sample_index = *p.sample_type_index("inuse_space");
  auto r = profiles::top(p, o);
  ASSERT_FALSE(r.rows.empty());
  EXPECT_EQ(r.rows[0].function, facts["leaky"]["function"]);
  EXPECT_EQ(r.rows[0].flat, facts["leaky"]["bytes"].get<int64_t>());
}

INSTANTIATE_TEST_SUITE_P(GoVersions, TopAgainstPprof, ::testing::ValuesIn(test::go_versions()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '.') c = '_';
                           return s;
                         });

// ---- Crafted profiles: what real ones rarely show ----

// Functions: 1 main.main, 2 main.rec (recursive), 3 main.leaf, 4 main.inl (inlined into
// main.rec at location 12), 5 runtime.main.
ProfileData crafted() {
  ProfileData d;
  d.sample_types = {{"alloc_space", "bytes"}, {"inuse_space", "bytes"}};
  d.functions = {{1, "main.main", "main.main", "main.go", 1},
                 {2, "main.rec", "main.rec", "main.go", 10},
                 {3, "main.leaf", "main.leaf", "main.go", 20},
                 {4, "main.inl", "main.inl", "main.go", 30},
                 {5, "runtime.main", "runtime.main", "proc.go", 1}};
  d.mappings = {{1, 0x400000, 0x500000, 0, "/bin/crafted", "", true, true, true, true}};
  d.locations = {{10, 1, 0x401000, {{1, 5, 0}}, false},
                 {11, 1, 0x402000, {{2, 12, 0}}, false},
                 {12, 1, 0x403000, {{4, 31, 0}, {2, 14, 0}}, false},
                 {13, 1, 0x404000, {{3, 21, 0}}, false},
                 {14, 1, 0x405000, {{5, 2, 0}}, false},
                 {15, 1, 0x406000, {{2, 16, 0}}, false}};
  d.samples = {
      // main.rec three times deep (recursion), then main.leaf.
      {{13, 11, 15, 11, 10, 14}, {1000, 100}, {}},
      // main.inl inlined into main.rec, called from main.main.
      {{12, 10, 14}, {500, 50}, {}},
      // main.inl called directly from main.rec: partly inlined.
      {{12, 11, 10, 14}, {250, 25}, {}},
      // A zero value is skipped entirely.
      {{13, 10, 14}, {0, 0}, {}},
      // A tiny one, dropped by the node fraction.
      {{13, 14}, {2, 1}, {}},
  };
  return d;
}

TEST(TopCrafted, RecursionCountsOnceInCum) {
  Profile p(crafted());
  auto r = profiles::top(p, {0, 0.0, 0, false});
  int64_t rec_cum = -1;
  for (const auto& row : r.rows)
    if (row.function == "main.rec") rec_cum = row.cum;
  EXPECT_EQ(rec_cum, 1000 + 500 + 250);
  EXPECT_EQ(r.total, 1752);
}

TEST(TopCrafted, SameAsPprofWithAndWithoutTrimming) {
  std::string file = test::write_temp(format::write_pprof(Profile(crafted())), ".pb.gz");
  // Default node fraction: main.leaf's tiny sample leaves its numbers alone, but nothing is
  // dropped here; alloc_space and inuse_space have different totals.
  expect_same_as_pprof(file, "alloc_space");
  expect_same_as_pprof(file, "inuse_space");
  Profile p(crafted());
  auto r = profiles::top(p, {0, 0.005, 0, false});
  bool partial = false, inline_only = false;
  for (const auto& row : r.rows) {
    if (row.function == "main.inl") {
      // main.inl is reached inline from main.rec (location 12) only, so it is "(inline)".
      inline_only = row.inline_mark == profiles::InlineMark::kInline;
    }
    partial |= row.inline_mark == profiles::InlineMark::kPartial;
  }
  EXPECT_TRUE(inline_only);
  EXPECT_FALSE(partial);
}

TEST(TopCrafted, NodeFractionDropsSmallFunctions) {
  ProfileData d = crafted();
  d.functions.push_back({6, "main.tiny", "main.tiny", "main.go", 40});
  d.locations.push_back({16, 1, 0x407000, {{6, 41, 0}}, false});
  d.samples.push_back({{16, 14}, {1, 1}, {}});
  Profile p(d);
  auto r = profiles::top(p, {0, 0.005, 0, false});
  EXPECT_EQ(r.dropped, 1u);
  for (const auto& row : r.rows) EXPECT_NE(row.function, "main.tiny");
  auto all = profiles::top(p, {0, 0.0, 0, false});
  EXPECT_EQ(all.dropped, 0u);
  EXPECT_EQ(all.rows.size(), r.rows.size() + 1);
  std::string file = test::write_temp(format::write_pprof(p), ".pb.gz");
  expect_same_as_pprof(file, "alloc_space");
}

TEST(TopCrafted, NodeCountKeepsTheFirstRows) {
  Profile p(crafted());
  auto all = profiles::top(p, {0, 0.0, 0, false});
  auto two = profiles::top(p, {0, 0.0, 2, false});
  ASSERT_EQ(two.rows.size(), 2u);
  EXPECT_EQ(two.kept, all.rows.size());
  EXPECT_EQ(two.rows[0].function, all.rows[0].function);
  EXPECT_EQ(two.rows[1].cum, all.rows[1].cum);
}

TEST(TopCrafted, SortsByFlatThenName) {
  Profile p(crafted());
  auto r = profiles::top(p, {0, 0.0, 0, false});
  for (size_t i = 1; i < r.rows.size(); i++) {
    const auto &a = r.rows[i - 1], &b = r.rows[i];
    EXPECT_TRUE(std::abs(a.flat) > std::abs(b.flat) ||
                (std::abs(a.flat) == std::abs(b.flat) && a.function < b.function))
        << a.function << " before " << b.function;
  }
  auto by_cum = profiles::top(p, {0, 0.0, 0, true});
  EXPECT_EQ(by_cum.rows.front().function, "runtime.main");  // on every stack
}

TEST(TopCrafted, UnsymbolizedLocationsAreNamedByBinary) {
  ProfileData d = crafted();
  d.locations.push_back({17, 1, 0x408000, {}, false});
  d.samples.push_back({{17, 14}, {4000, 4000}, {}});
  Profile p(d);
  auto r = profiles::top(p, {0, 0.0, 0, false});
  EXPECT_EQ(r.rows[0].function, "[crafted]");
  std::string file = test::write_temp(format::write_pprof(p), ".pb.gz");
  expect_same_as_pprof(file, "alloc_space");
}

TEST(SampleIndex, ChoosesAsPprofDoes) {
  ProfileData d = crafted();
  EXPECT_EQ(profiles::resolve_sample_index(Profile(d), ""), 1u);  // the last
  d.default_sample_type = "alloc_space";
  Profile p(d);
  EXPECT_EQ(profiles::resolve_sample_index(p, ""), 0u);
  EXPECT_EQ(profiles::resolve_sample_index(p, "1"), 1u);
  EXPECT_EQ(profiles::resolve_sample_index(p, "inuse_space"), 1u);
  EXPECT_THROW(profiles::resolve_sample_index(p, "2"), std::invalid_argument);
  EXPECT_THROW(profiles::resolve_sample_index(p, "goroutine"), std::invalid_argument);
}

}  // namespace
}  // namespace leakseek
