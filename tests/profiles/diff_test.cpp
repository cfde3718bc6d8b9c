// `profile diff` against `go tool pprof -top -base`: the same functions with the same flat and cum
// changes and the same total, on snapshots of a real leaking Go program; and the merge semantics
// (stacks and labels net out) on crafted profiles.
#include <gtest/gtest.h>

#include <algorithm>

#include "format/pprof_reader.h"
#include "format/pprof_writer.h"
#include "profiles/diff.h"
#include "profiles/sample_index.h"
#include "report/profile_top.h"
#include "support/fixtures.h"
#include "support/pprof_top_rows.h"

namespace leakseek {
namespace {

using profiles::Profile;
using profiles::ProfileData;

std::string snapshot(const std::string& go, size_t i) {
  auto facts = test::fixture_facts(go, "profiletrend");
  return test::fixture_dir() + "/" + go + "/" + facts["directory"].get<std::string>() + "/" +
         facts["profiles"][i].get<std::string>();
}

void expect_same_as_pprof(const std::string& base, const std::string& current,
                          const std::string& sample_index) {
  SCOPED_TRACE(base + " -> " + current + " sample_index=" + sample_index);
  Profile b = format::read_pprof_file(base), c = format::read_pprof_file(current);
  profiles::DiffOptions o;
  o.sample_index = profiles::resolve_sample_index(c, sample_index);
  auto d = profiles::diff(b, c, o);
  auto go = test::go_pprof_top(current, sample_index, base);
  EXPECT_EQ(d.functions.total, go.total);
  std::vector<test::GoTopRow> ours;
  for (const auto& r : d.functions.rows)
    ours.push_back({r.function + report::inline_suffix(r.inline_mark), r.flat, r.cum});
  // Our rows are sorted by growth, pprof's by |flat|: compare as sets.
  auto by_name = [](const test::GoTopRow& a, const test::GoTopRow& b) {
    return a.function < b.function;
  };
  std::sort(ours.begin(), ours.end(), by_name);
  std::sort(go.rows.begin(), go.rows.end(), by_name);
  ASSERT_FALSE(go.rows.empty());
  EXPECT_EQ(ours, go.rows);
}

class DiffAgainstPprof : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffAgainstPprof, FirstAndLastSnapshotsEverySampleType) {
  for (std::string type : {"", "alloc_space", "inuse_objects"})
    expect_same_as_pprof(snapshot(GetParam(), 0), snapshot(GetParam(), 5), type);
  // Backwards: shrinking shows as negative values.
  expect_same_as_pprof(snapshot(GetParam(), 5), snapshot(GetParam(), 1), "");
}

TEST_P(DiffAgainstPprof, LeakingStackGrowsMost) {
  auto facts = test::fixture_facts(GetParam(), "profiletrend");
  Profile b = format::read_pprof_file(snapshot(GetParam(), 0));
  Profile c = format::read_pprof_file(snapshot(GetParam(), 5));
  profiles::DiffOptions o;
  o.sample_index = *c.sample_type_index("inuse_space");
  auto d = profiles::diff(b, c, o);
  const auto& leaky = facts["leaky"];
  int64_t growth = leaky["bytes"][5].get<int64_t>() - leaky["bytes"][0].get<int64_t>();
  ASSERT_FALSE(d.stacks.empty());
  EXPECT_EQ(d.stacks[0].frames.front(), leaky["function"]);
  EXPECT_EQ(d.stacks[0].delta, growth);
  EXPECT_EQ(d.stacks[0].base, leaky["bytes"][0].get<int64_t>());
  EXPECT_EQ(d.stacks[0].current, leaky["bytes"][5].get<int64_t>());
  EXPECT_EQ(d.functions.rows[0].function, leaky["function"]);
  EXPECT_EQ(d.functions.rows[0].flat, growth);
  // The vanished site shrinks most, so it comes last.
  EXPECT_EQ(d.functions.rows.back().function, facts["vanishing"]["function"]);
  EXPECT_EQ(d.functions.rows.back().flat, -facts["vanishing"]["bytes"][0].get<int64_t>());
  o.stacks = 0;
  auto all = profiles::diff(b, c, o);
  int64_t sum = 0;
  for (const auto& st : all.stacks) sum += st.delta;
  EXPECT_EQ(all.stacks.size(), all.changed_stacks);
  EXPECT_EQ(sum, d.current_total - d.base_total)
      << "with all stacks listed, the stack deltas add up to the change";
}

INSTANTIATE_TEST_SUITE_P(GoVersions, DiffAgainstPprof, ::testing::ValuesIn(test::go_versions()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '.') c = '_';
                           return s;
                         });

ProfileData two_stacks(int64_t a, int64_t b, const std::string& label) {
  ProfileData d;
  d.sample_types = {{"inuse_space", "bytes"}};
  d.functions = {{1, "main.a", "main.a", "a.go", 1}, {2, "main.b", "main.b", "b.go", 1}};
  d.locations = {{1, 0, 0x1000, {{1, 3, 0}}, false}, {2, 0, 0x2000, {{2, 4, 0}}, false}};
  d.samples = {{{1}, {a}, {{"bytes", "", 64, ""}}}, {{2}, {b}, {{"worker", label, 0, ""}}}};
  return d;
}

TEST(DiffCrafted, IdenticalStacksNetOut) {
  Profile p(two_stacks(100, 200, "x"));
  auto d = profiles::diff(p, p, {});
  EXPECT_EQ(d.functions.total, 0);
  EXPECT_TRUE(d.functions.rows.empty());
  EXPECT_TRUE(d.stacks.empty());
}

TEST(DiffCrafted, DifferentLabelsDoNotNetOut) {
  // main.b's samples carry different labels: pprof keeps both, so its total counts both.
  Profile base(two_stacks(100, 200, "x")), current(two_stacks(150, 200, "y"));
  auto d = profiles::diff(base, current, {});
  EXPECT_EQ(d.functions.total, 50 + 200 + 200);
  ASSERT_EQ(d.stacks.size(), 1u);  // main.b's +200 and -200 meet again in one stack row
  EXPECT_EQ(d.stacks[0].frames, std::vector<std::string>{"main.a"});
  EXPECT_EQ(d.stacks[0].delta, 50);
  std::string b = test::write_temp(format::write_pprof(base), ".pb.gz");
  std::string c = test::write_temp(format::write_pprof(current), ".pb.gz");
  expect_same_as_pprof(b, c, "");
}

TEST(DiffCrafted, DifferentSampleTypesAreRefused) {
  ProfileData other = two_stacks(1, 1, "x");
  other.sample_types = {{"goroutine", "count"}};
  EXPECT_THROW(profiles::diff(Profile(two_stacks(1, 1, "x")), Profile(other), {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace leakseek
