// `profile trend` on six heap snapshots of a real Go program (testdata/go/profiletrend) in which
// one site leaks steadily, one stays flat, one vanishes and one appears; and the statistics on
// plain series.
#include <gtest/gtest.h>

#include <cmath>

#include "format/pprof_reader.h"
#include "profiles/series_stats.h"
#include "profiles/top.h"
#include "profiles/trend.h"
#include "support/fixtures.h"

namespace leakseek {
namespace {

using nlohmann::json;
using profiles::TrendSeries;

struct Loaded {
  json facts;
  std::vector<std::string> files;
};

Loaded load(const std::string& go) {
  Loaded l{test::fixture_facts(go, "profiletrend"), {}};
  for (const auto& name : l.facts["profiles"])
    l.files.push_back(test::fixture_dir() + "/" + go + "/" +
                      l.facts["directory"].get<std::string>() + "/" + name.get<std::string>());
  return l;
}

// The fixture's snapshots are 50 ms apart, so a few bytes of runtime bookkeeping already grow
// by megabytes per hour; its leak grows by gigabytes per hour.
profiles::TrendOptions fixture_options() {
  profiles::TrendOptions o;
  o.growth.min_slope_per_hour = 256.0 * 1024 * 1024;
  return o;
}

profiles::TrendResult trend_of(const std::vector<std::string>& files) {
  profiles::TrendBuilder b(fixture_options());
  // Added newest first: the result must still be in time order.
  for (size_t i = files.size(); i-- > 0;) b.add(files[i], format::read_pprof_file(files[i]));
  return b.finish();
}

const TrendSeries& function_site(const profiles::TrendResult& r, const json& name) {
  for (const auto& f : r.functions)
    if (f.frames.front() == name.get<std::string>()) return f;
  throw std::runtime_error("no site " + name.dump());
}

// What top (checked against pprof) says the function allocated itself in one snapshot.
int64_t flat_in(const std::string& file, const std::string& function) {
  auto p = format::read_pprof_file(file);
  auto r = profiles::top(p, {*p.sample_type_index("inuse_space"), 0.0, 0, false});
  for (const auto& row : r.rows)
    if (row.function == function) return row.flat;
  return 0;
}

class TrendFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(TrendFixture, SnapshotsInTimeOrder) {
  auto l = load(GetParam());
  auto r = trend_of(l.files);
  ASSERT_EQ(r.snapshots.size(), l.files.size());
  for (size_t i = 0; i < l.files.size(); i++) EXPECT_EQ(r.snapshots[i].name, l.files[i]);
  for (size_t i = 1; i < r.snapshots.size(); i++)
    EXPECT_LT(r.snapshots[i - 1].time_nanos, r.snapshots[i].time_nanos);
  EXPECT_EQ(r.sample_type.type, "inuse_space");
}

TEST_P(TrendFixture, LeakingSiteIsTheSuspectWithExactValues) {
  auto l = load(GetParam());
  auto r = trend_of(l.files);
  const json& leaky = l.facts["leaky"];
  ASSERT_EQ(r.suspects.size(), 1u);
  const auto& s = r.suspects[0];
  EXPECT_EQ(s.function.frames.front(), leaky["function"]);
  EXPECT_TRUE(s.function.suspect);
  EXPECT_EQ(s.function.values, leaky["bytes"].get<std::vector<int64_t>>());
  EXPECT_EQ(s.function.first, flat_in(l.files.front(), leaky["function"]));
  EXPECT_EQ(s.function.last, flat_in(l.files.back(), leaky["function"]));
  EXPECT_EQ(s.function.monotonicity, profiles::Monotonicity::kIncreasing);
  EXPECT_GT(s.function.r2, 0.8);
  EXPECT_GT(s.function.slope_per_hour, 0);
  // Its full stack: the leaking function called from main.main.
  ASSERT_FALSE(s.stacks.empty());
  const auto& frames = s.stacks[0].frames;
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[0], leaky["function"]);
  EXPECT_EQ(frames[1], "main.main");
  EXPECT_EQ(frames[2], "runtime.main");
  EXPECT_TRUE(s.stacks[0].suspect);
  EXPECT_EQ(s.stacks[0].last, leaky["bytes"].back().get<int64_t>());
}

TEST_P(TrendFixture, FlatVanishingAndAppearingSitesAreNotSuspects) {
  auto l = load(GetParam());
  auto r = trend_of(l.files);
  for (const char* key : {"steady", "vanishing", "appearing"}) {
    SCOPED_TRACE(key);
    const auto& site = function_site(r, l.facts[key]["function"]);
    EXPECT_EQ(site.values, l.facts[key]["bytes"].get<std::vector<int64_t>>());
    EXPECT_FALSE(site.suspect);
  }
  const auto& steady = function_site(r, l.facts["steady"]["function"]);
  EXPECT_EQ(steady.first, flat_in(l.files.front(), l.facts["steady"]["function"]));
  EXPECT_EQ(steady.last, flat_in(l.files.back(), l.facts["steady"]["function"]));
  EXPECT_EQ(steady.monotonicity, profiles::Monotonicity::kConstant);
  EXPECT_EQ(steady.slope_per_hour, 0);
  const auto& vanishing = function_site(r, l.facts["vanishing"]["function"]);
  EXPECT_EQ(vanishing.present, 2u);
  EXPECT_EQ(vanishing.last, 0);
  EXPECT_EQ(function_site(r, l.facts["appearing"]["function"]).first, 0);
}

TEST_P(TrendFixture, FewerSnapshotsThanTheMinimumFlagNothing) {
  auto l = load(GetParam());
  auto r = trend_of({l.files[0], l.files[1], l.files[2]});
  EXPECT_TRUE(r.suspects.empty());
  EXPECT_EQ(function_site(r, l.facts["leaky"]["function"]).monotonicity,
            profiles::Monotonicity::kIncreasing);
}

INSTANTIATE_TEST_SUITE_P(GoVersions, TrendFixture, ::testing::ValuesIn(test::go_versions()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '.') c = '_';
                           return s;
                         });

// heap.repeat was taken after heap.2 with no GC between: the same heap at a later time. It is
// no point of its own, unless it is the newest snapshot, and the verdicts do not change.
TEST_P(TrendFixture, AProfileFromBeforeTheNextGCIsNotAPoint) {
  auto l = load(GetParam());
  const std::string dir =
      test::fixture_dir() + "/" + GetParam() + "/" + l.facts["directory"].get<std::string>() + "/";
  const std::string repeat = dir + l.facts["repeat_profile"].get<std::string>();
  const size_t after = l.facts["repeat_after"].get<size_t>();
  ASSERT_LT(after + 1, l.files.size());

  auto with_repeat = l.files;
  with_repeat.push_back(repeat);
  const auto r = trend_of(with_repeat);
  const auto plain = trend_of(l.files);
  ASSERT_EQ(r.snapshots.size(), l.files.size());
  ASSERT_EQ(r.same_gc_cycle.size(), 1u);
  EXPECT_EQ(r.same_gc_cycle[0].name, repeat);
  EXPECT_EQ(r.same_gc_cycle[0].total, r.snapshots[after].total);
  EXPECT_GT(r.same_gc_cycle[0].time_nanos, r.snapshots[after].time_nanos);
  EXPECT_LT(r.same_gc_cycle[0].time_nanos, r.snapshots[after + 1].time_nanos);
  ASSERT_EQ(r.suspects.size(), plain.suspects.size());
  for (size_t i = 0; i < r.suspects.size(); i++) {
    EXPECT_EQ(r.suspects[i].function.frames, plain.suspects[i].function.frames);
    EXPECT_EQ(r.suspects[i].function.values, plain.suspects[i].function.values);
    EXPECT_DOUBLE_EQ(r.suspects[i].function.slope_per_hour,
                     plain.suspects[i].function.slope_per_hour);
  }

  // As the newest snapshot it counts: the heap has not changed since is news.
  std::vector<std::string> upto(l.files.begin(), l.files.begin() + after + 1);
  upto.push_back(repeat);
  const auto newest = trend_of(upto);
  EXPECT_EQ(newest.snapshots.size(), upto.size());
  EXPECT_TRUE(newest.same_gc_cycle.empty());
}

TEST(TrendBuilder, SnapshotsAtTheSameTimeAreRefused) {
  auto l = load("go1.23");
  profiles::TrendBuilder b({});
  b.add("a", format::read_pprof_file(l.files[0]));
  b.add("b", format::read_pprof_file(l.files[0]));
  EXPECT_THROW(b.finish(), std::invalid_argument);
}

TEST(TrendBuilder, MissingSampleTypeIsRefused) {
  profiles::ProfileData d;
  d.sample_types = {{"goroutine", "count"}};
  profiles::TrendOptions o;
  o.sample_type = "inuse_space";
  profiles::TrendBuilder b(o);
  EXPECT_THROW(b.add("g", profiles::Profile(d)), std::invalid_argument);
}

TEST(SeriesStats, StraightLine) {
  std::vector<double> x{0, 1, 2, 3};
  std::vector<int64_t> y{10, 20, 30, 40};
  auto s = profiles::series_stats(x, y);
  EXPECT_DOUBLE_EQ(s.slope, 10);
  EXPECT_DOUBLE_EQ(s.r2, 1);
  EXPECT_EQ(s.monotonicity, profiles::Monotonicity::kIncreasing);
}

TEST(SeriesStats, NoiseHasLowR2) {
  std::vector<double> x{0, 1, 2, 3, 4, 5};
  std::vector<int64_t> y{10, 50, 5, 60, 0, 55};
  auto s = profiles::series_stats(x, y);
  EXPECT_LT(s.r2, 0.8);
  EXPECT_EQ(s.monotonicity, profiles::Monotonicity::kMixed);
}

TEST(SeriesStats, ConstantAndFalling) {
  std::vector<double> x{0, 2, 3};
  auto flat = profiles::series_stats(x, std::vector<int64_t>{7, 7, 7});
  EXPECT_EQ(flat.slope, 0);
  EXPECT_EQ(flat.r2, 0);
  EXPECT_EQ(flat.monotonicity, profiles::Monotonicity::kConstant);
  auto falling = profiles::series_stats(x, std::vector<int64_t>{9, 5, 5});
  EXPECT_LT(falling.slope, 0);
  EXPECT_EQ(falling.monotonicity, profiles::Monotonicity::kDecreasing);
}

}  // namespace
}  // namespace leakseek
