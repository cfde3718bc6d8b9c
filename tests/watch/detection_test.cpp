// Detection over time on real snapshots: the six heap profiles of testdata/go/profiletrend (one
// site leaks 64 KiB per snapshot), the goroutine dumps of testdata/go/goroutinefixture (a stuck
// finalizer), and the alert life cycle.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>

#include "format/goroutine_dump_reader.h"
#include "format/pprof_reader.h"
#include "profiles/series_stats.h"
#include "profiles/trend.h"
#include "support/fixtures.h"
#include "watch/alert_tracker.h"
#include "watch/detector.h"
#include "watch/render/alert_text.h"
#include "watch/snapshot_series.h"
#include "watch/target_window.h"

namespace leakseek::watch {
namespace {

constexpr int64_t kMinute = int64_t{60} * 1'000'000'000;
constexpr int64_t kStart = int64_t{1'800'000'000} * 1'000'000'000;

class Detection : public testing::TestWithParam<std::string> {};

std::vector<std::string> trend_files(const std::string& go) {
  const auto facts = test::fixture_facts(go, "profiletrend");
  std::vector<std::string> files;
  for (const auto& name : facts["profiles"])
    files.push_back(test::fixture_dir() + "/" + go + "/" + facts["directory"].get<std::string>() +
                    "/" + name.get<std::string>());
  return files;
}

int64_t leaf_value(const SnapshotSeries& s, const std::string& function) {
  int64_t v = 0;
  for (const auto& site : s.sites)
    if (!site.frames.empty() && site.frames.front() == function) v += site.value;
  return v;
}

const Finding* find(const std::vector<Finding>& findings, AlertKind kind, const std::string& site) {
  for (const auto& f : findings)
    if (f.kind == kind && (site.empty() || f.site == site)) return &f;
  return nullptr;
}

TEST_P(Detection, HeapSeriesMatchTheProgramsOwnFigures) {
  const auto facts = test::fixture_facts(GetParam(), "profiletrend");
  const auto files = trend_files(GetParam());
  for (size_t i = 0; i < files.size(); i++) {
    const auto profile = format::read_pprof_file(files[i]);
    const auto series = heap_snapshot_series(profile);
    EXPECT_EQ(leaf_value(series, "main.leakyGrow"), facts["leaky"]["bytes"][i].get<int64_t>())
        << files[i];
    int64_t total = 0;
    for (const auto& site : series.sites) total += site.value;
    EXPECT_EQ(series.total, total);
    EXPECT_TRUE(std::is_sorted(series.sites.begin(), series.sites.end(),
                               [](const auto& a, const auto& b) { return a.value > b.value; }));
  }
}

TEST_P(Detection, TheLeakingSiteAndTheHeapGrowthAreFound) {
  const auto facts = test::fixture_facts(GetParam(), "profiletrend");
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  const auto files = trend_files(GetParam());
  for (size_t i = 0; i < files.size(); i++) {
    const auto series = heap_snapshot_series(format::read_pprof_file(files[i]));
    SnapshotInfo info;
    info.id = static_cast<int64_t>(i + 1);
    info.kind = SnapshotKind::heap;
    info.time_nanos = kStart + static_cast<int64_t>(i) * kMinute;
    info.total = series.total;
    window.add(info, series);
  }
  DetectionThresholds t;
  const auto findings = detect(window.history(), t);
  const Finding* site = find(findings, AlertKind::site_growth, "main.leakyGrow");
  ASSERT_NE(site, nullptr);
  // 64 KiB a snapshot, a snapshot a minute.
  const auto& bytes = facts["leaky"]["bytes"];
  const double per_hour =
      static_cast<double>(bytes[1].get<int64_t>() - bytes[0].get<int64_t>()) * 60;
  EXPECT_NEAR(site->numbers.at("slope_per_hour"), per_hour, per_hour * 0.001);
  EXPECT_GT(site->numbers.at("r2"), 0.999);
  EXPECT_EQ(site->stack.front(), "main.leakyGrow");
  EXPECT_EQ(site->snapshot_ids.size(), files.size());
  EXPECT_EQ(find(findings, AlertKind::site_growth, facts["steady"]["function"].get<std::string>()),
            nullptr);
  // The whole heap does not grow steadily: a site that vanishes halfway drops the total.
  EXPECT_EQ(find(findings, AlertKind::heap_growth, ""), nullptr);

  // Fewer points than min_points: nothing is judged yet.
  for (auto* g : {&t.heap, &t.site, &t.goroutine}) g->min_points = files.size() + 1;
  EXPECT_TRUE(detect(window.history(), t).empty());
}

// One growth rule: `profile trend` and the watch detector, given the same snapshots and the same
// thresholds, call the same stacks growing.
TEST_P(Detection, ProfileTrendAndWatchGiveTheSameVerdicts) {
  const auto files = trend_files(GetParam());
  DetectionThresholds t;
  // The fixture's snapshots are 50 ms apart: only its leak grows by gigabytes an hour.
  t.site.min_slope_per_hour = 256.0 * 1024 * 1024;
  profiles::TrendOptions options;
  options.growth = t.site;
  profiles::TrendBuilder builder(options);
  StackPool pool;
  // The snapshots are 50 ms apart: a window this short keeps every one of them.
  TargetWindow window("api", 2'000'000'000, pool);
  for (size_t i = 0; i < files.size(); i++) {
    const auto profile = format::read_pprof_file(files[i]);
    builder.add(files[i], profile);
    const auto series = heap_snapshot_series(profile);
    SnapshotInfo info;
    info.id = static_cast<int64_t>(i + 1);
    info.kind = SnapshotKind::heap;
    info.time_nanos = profile.time_nanos();
    info.total = series.total;
    window.add(info, series);
  }
  const auto trend = builder.finish();
  const auto h = window.history();
  const auto sites = site_trends(h.heap, h.heap_sites, heap_site_thresholds(h, t));
  std::map<std::vector<std::string>, bool> watch_verdict;
  for (const auto& s : sites) watch_verdict[s.frames] = s.growing;
  size_t compared = 0, growing = 0;
  for (const auto& s : trend.stacks) {
    auto it = watch_verdict.find(s.frames);
    ASSERT_NE(it, watch_verdict.end()) << testing::PrintToString(s.frames);
    EXPECT_EQ(it->second, s.suspect) << s.frames.front();
    compared++;
    growing += s.suspect;
  }
  EXPECT_EQ(compared, watch_verdict.size());
  EXPECT_GE(growing, 1u);
}

TEST_P(Detection, GoroutineFormsGiveTheSameSitesAndTheStuckFinalizer) {
  const auto facts = test::fixture_facts(GetParam(), "goroutinefixture");
  auto path = [&](const char* form) {
    return test::fixture_dir() + "/" + GetParam() + "/" + facts["files"][form].get<std::string>();
  };
  const auto one = goroutine_snapshot_series(format::read_goroutine_dump_file(path("debug1")));
  const auto two = goroutine_snapshot_series(format::read_goroutine_dump_file(path("debug2")));
  for (const auto& group : facts["groups"]) {
    const auto fn = group["function"].get<std::string>();
    auto count_in = [&](const SnapshotSeries& s) {
      int64_t n = 0;
      for (const auto& site : s.sites)
        if (std::find(site.frames.begin(), site.frames.end(), fn) != site.frames.end())
          n += site.value;
      return n;
    };
    EXPECT_EQ(count_in(one), group["count"].get<int64_t>()) << fn;
    EXPECT_EQ(count_in(two), group["count"].get<int64_t>()) << fn;
  }
  const auto finalizer = facts["finalizer"]["function"].get<std::string>();
  EXPECT_EQ(two.finalizer_function, finalizer);
  EXPECT_EQ(two.scalars.at("finalizer.blocked"), 1);
  EXPECT_NE(std::find(two.finalizer_stack.begin(), two.finalizer_stack.end(), finalizer),
            two.finalizer_stack.end());

  // The same stuck function in three consecutive scrapes is a stall.
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  for (int i = 0; i < 3; i++) {
    SnapshotInfo info;
    info.id = 10 + i;
    info.kind = SnapshotKind::goroutine;
    info.time_nanos = kStart + i * kMinute;
    info.total = two.total;
    info.finalizer_function = two.finalizer_function;
    window.add(info, two);
    const auto findings = detect(window.history(), DetectionThresholds{});
    const Finding* stall = find(findings, AlertKind::finalizer_stall, finalizer);
    EXPECT_EQ(stall != nullptr, i == 2) << "after " << i + 1 << " scrapes";
    if (stall) {
      EXPECT_EQ(stall->snapshot_ids, (std::vector<int64_t>{10, 11, 12}));
      EXPECT_NE(std::find(stall->stack.begin(), stall->stack.end(), finalizer), stall->stack.end());
    }
  }
}

SnapshotInfo info_at(int64_t id, SnapshotKind kind, int64_t minute);

INSTANTIATE_TEST_SUITE_P(Go, Detection, testing::ValuesIn(test::go_versions()),
                         test::GoVersionName());

// Go 1.27's goroutine leak profile in each form it is served in, as the daemon stores it: every
// proven-leaked stack is an alert with its count; the parked workers, which main could still
// wake, are not.
class GoroutineLeakDetection : public testing::TestWithParam<test::LeakProfileForm> {};

TEST_P(GoroutineLeakDetection, ProvenLeakedStacksAreAlertedWithTheirCounts) {
  const auto facts = test::fixture_facts(GetParam().go, "goroutineleak");
  const auto file = test::fixture_dir() + "/" + GetParam().go + "/" +
                    facts["files"][GetParam().form].get<std::string>();
  const auto leaked = facts["leaked"].get<int64_t>();
  const auto series = goroutine_leak_snapshot_series(format::read_goroutine_dump_file(file));
  EXPECT_EQ(series.total, leaked);
  EXPECT_EQ(series.scalars.at("goroutines.leaked"), static_cast<double>(leaked));
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  auto info = info_at(1, SnapshotKind::goroutine_leak, 0);
  info.total = series.total;
  window.add(info, series);
  const auto findings = detect(window.history(), DetectionThresholds{});
  const auto leaked_function = facts["leaked_function"].get<std::string>();
  const Finding* f = find(findings, AlertKind::goroutine_leak, leaked_function);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->numbers.at("goroutines"), static_cast<double>(leaked));
  EXPECT_EQ(f->severity, "critical");
  EXPECT_NE(render::finding_summary(*f).find(std::to_string(leaked) + " goroutines in " +
                                             leaked_function),
            std::string::npos)
      << render::finding_summary(*f);
  EXPECT_EQ(find(findings, AlertKind::goroutine_leak, facts["parked_function"].get<std::string>()),
            nullptr);
  size_t leak_findings = 0;
  for (const auto& g : findings) leak_findings += g.kind == AlertKind::goroutine_leak;
  EXPECT_EQ(leak_findings, 1u);
}

TEST(GoroutineLeakSeries, AGoroutineDumpIsNotTakenForALeakProfile) {
  for (const auto& go : test::go_versions()) {
    const auto facts = test::fixture_facts(go, "goroutinefixture");
    const auto file =
        test::fixture_dir() + "/" + go + "/" + facts["files"]["debug1"].get<std::string>();
    EXPECT_THROW(goroutine_leak_snapshot_series(format::read_goroutine_dump_file(file)),
                 std::invalid_argument)
        << go;
  }
}

INSTANTIATE_TEST_SUITE_P(Go, GoroutineLeakDetection, testing::ValuesIn(test::leak_profile_forms()),
                         test::LeakProfileFormName());

SnapshotInfo info_at(int64_t id, SnapshotKind kind, int64_t minute) {
  SnapshotInfo info;
  info.id = id;
  info.kind = kind;
  info.time_nanos = kStart + minute * kMinute;
  return info;
}

TEST(DetectionRules, SteadyHeapGrowthNamesTheFastestSite) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  for (int i = 0; i < 5; i++) {
    SnapshotSeries s;
    s.sites.push_back({{"main.fast"}, 4'000'000 * i, i});
    s.sites.push_back({{"main.slow"}, 1'000'000 + 500'000 * i, i});
    s.sites.push_back({{"main.flat"}, 3'000'000, 1});
    for (const auto& site : s.sites) s.total += site.value;
    s.scalars["heap.sample_period"] = 1;  // every allocation recorded: no sampling noise
    auto info = info_at(i + 1, SnapshotKind::heap, i);
    info.total = s.total;
    window.add(info, s);
  }
  const auto findings = detect(window.history(), DetectionThresholds{});
  const Finding* heap = find(findings, AlertKind::heap_growth, "");
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->key, "api/heap_growth");
  EXPECT_EQ(heap->site, "main.fast");
  EXPECT_NEAR(heap->numbers.at("slope_per_hour"), 4.5e6 * 60, 1);
  EXPECT_NEAR(heap->numbers.at("r2"), 1.0, 1e-9);
  ASSERT_NE(find(findings, AlertKind::site_growth, "main.slow"), nullptr);
  EXPECT_EQ(find(findings, AlertKind::site_growth, "main.flat"), nullptr);
  // Steepest first.
  EXPECT_EQ(findings[1].site, "main.fast");
}

// Over a one-minute window, a runtime site stepping 0 -> 4 KiB twice has a steep per-hour slope
// and a fair fit; so do 2 goroutines more on a stack. Neither is a leak: too little has grown.
TEST(DetectionRules, SmallStepsOverAShortWindowAreNotGrowth) {
  StackPool pool;
  TargetWindow window("api", kMinute, pool);
  const int64_t steps[] = {0, 0, 4096, 4096, 8192, 8192};
  for (int i = 0; i < 6; i++) {
    SnapshotSeries heap, goroutines;
    heap.sites.push_back({{"runtime.malg"}, steps[i], steps[i] ? 1 : 0});
    heap.sites.push_back({{"main.leak"}, 200'000 * i, i});
    heap.total = steps[i] + 200'000 * i;
    heap.scalars["heap.sample_period"] = 1;
    goroutines.sites.push_back({{"runtime.gopark", "main.poll"}, 3 + (i >= 3), 3 + (i >= 3)});
    goroutines.sites.push_back({{"runtime.gopark", "main.leaky"}, 20 * i, 20 * i});
    // Ten seconds apart: the window is one minute.
    auto at = [&](int64_t id, SnapshotKind k) {
      SnapshotInfo info = info_at(id, k, 0);
      info.time_nanos += i * 10'000'000'000;
      return info;
    };
    auto info = at(i + 1, SnapshotKind::heap);
    info.total = heap.total;
    window.add(info, heap);
    window.add(at(100 + i, SnapshotKind::goroutine), goroutines);
  }
  DetectionThresholds t;
  auto findings = detect(window.history(), t);
  EXPECT_EQ(find(findings, AlertKind::site_growth, "runtime.malg"), nullptr);
  EXPECT_NE(find(findings, AlertKind::site_growth, "main.leak"), nullptr);
  EXPECT_EQ(find(findings, AlertKind::goroutine_growth, "main.poll"), nullptr);
  EXPECT_NE(find(findings, AlertKind::goroutine_growth, "main.leaky"), nullptr);
  // Without the floor, the slope alone would have flagged the step.
  t.site.min_growth = 0;
  t.goroutine.min_growth = 0;
  findings = detect(window.history(), t);
  EXPECT_NE(find(findings, AlertKind::site_growth, "runtime.malg"), nullptr);
}

TEST(DetectionRules, QueuedFinalizersThatNeverRunAreAStall) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  for (int i = 0; i < 4; i++) {
    SnapshotSeries s;
    s.scalars["go_gc_finalizers_queued_finalizers_total"] = 100 + 50 * i;
    s.scalars["go_gc_finalizers_executed_finalizers_total"] = i == 0 ? 90 : 99;
    window.add(info_at(i + 1, SnapshotKind::metrics, i), s);
  }
  const auto findings = detect(window.history(), DetectionThresholds{});
  const Finding* stall = find(findings, AlertKind::finalizer_stall, "");
  ASSERT_NE(stall, nullptr);
  EXPECT_EQ(stall->numbers.at("queue"), 250 - 99);
  EXPECT_EQ(stall->snapshot_ids, (std::vector<int64_t>{2, 3, 4}));
}

TEST(DetectionRules, QueuedCleanupsThatNeverRunAreACleanupStallNotAFinalizerOne) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  for (int i = 0; i < 4; i++) {
    SnapshotSeries s;
    s.scalars["go_gc_cleanups_queued_cleanups_total"] = 40 + 10 * i;
    s.scalars["go_gc_cleanups_executed_cleanups_total"] = 35;
    // Finalizers keep running: no finalizer stall.
    s.scalars["go_gc_finalizers_queued_finalizers_total"] = 100 + 50 * i;
    s.scalars["go_gc_finalizers_executed_finalizers_total"] = 100 + 50 * i;
    window.add(info_at(i + 1, SnapshotKind::metrics, i), s);
  }
  auto findings = detect(window.history(), DetectionThresholds{});
  EXPECT_EQ(find(findings, AlertKind::finalizer_stall, ""), nullptr);
  const Finding* stall = find(findings, AlertKind::cleanup_stall, "");
  ASSERT_NE(stall, nullptr);
  EXPECT_EQ(stall->key, "api/cleanup_stall");
  EXPECT_EQ(stall->numbers.at("queue"), 70 - 35);
  const std::string summary = render::finding_summary(*stall);
  EXPECT_NE(summary.find("cleanups are queued"), std::string::npos) << summary;

  // One cleanup executed in the last scrapes: the queue moves, however slowly.
  SnapshotSeries moving;
  moving.scalars["go_gc_cleanups_queued_cleanups_total"] = 80;
  moving.scalars["go_gc_cleanups_executed_cleanups_total"] = 36;
  window.add(info_at(5, SnapshotKind::metrics, 4), moving);
  findings = detect(window.history(), DetectionThresholds{});
  EXPECT_EQ(find(findings, AlertKind::cleanup_stall, ""), nullptr);
}

TEST(DetectionRules, AStuckCleanupGoroutineIsACleanupStall) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  const std::vector<std::string> stack{"main.release", "runtime.runCleanups"};
  for (int i = 0; i < 3; i++) {
    SnapshotSeries s;
    s.finalizer_function = "main.release";
    s.scalars["finalizer.blocked"] = 1;
    s.scalars["finalizer.cleanup"] = 1;
    s.sites.push_back({stack, 1, 1});
    auto info = info_at(i + 1, SnapshotKind::goroutine, i);
    info.finalizer_function = s.finalizer_function;
    window.add(info, s);
  }
  const auto findings = detect(window.history(), DetectionThresholds{});
  EXPECT_EQ(find(findings, AlertKind::finalizer_stall, ""), nullptr);
  const Finding* stall = find(findings, AlertKind::cleanup_stall, "main.release");
  ASSERT_NE(stall, nullptr);
  EXPECT_EQ(stall->stack, stack);
}

TEST(DetectionRules, ALargeNewGoroutineGroupIsReportedOnce) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  const std::vector<std::string> old_stack{"runtime.gopark", "main.serve"};
  const std::vector<std::string> new_stack{"runtime.gopark", "runtime.chanrecv1", "main.wait"};
  for (int i = 0; i < 3; i++) {
    SnapshotSeries s;
    s.sites.push_back({old_stack, 5, 5});
    if (i == 2) s.sites.push_back({new_stack, 150, 150});
    window.add(info_at(i + 1, SnapshotKind::goroutine, i), s);
  }
  const auto findings = detect(window.history(), DetectionThresholds{});
  const Finding* group = find(findings, AlertKind::goroutine_group, "main.wait");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->numbers.at("goroutines"), 150);
  EXPECT_EQ(find(findings, AlertKind::goroutine_group, "main.serve"), nullptr);
}

// Once the window has slid past the group's appearance it is no longer new: an open alert holds
// while the group keeps half the threshold, and resolves when it drains; a closed one stays shut.
TEST(DetectionRules, AnOpenGoroutineGroupAlertHoldsWhileTheGroupStays) {
  StackPool pool;
  TargetWindow window("api", 10 * kMinute, pool);
  const std::vector<std::string> stack{"runtime.gopark", "runtime.chanrecv1", "main.wait"};
  auto add = [&](int minute, int64_t members) {
    SnapshotSeries s;
    s.sites.push_back({{"runtime.gopark", "main.serve"}, 5, 5});
    if (members > 0) s.sites.push_back({stack, members, members});
    window.add(info_at(minute + 1, SnapshotKind::goroutine, minute), s);
  };
  for (int m = 0; m < 3; m++) add(m, m == 0 ? 0 : 150);
  const auto first = detect(window.history(), {});
  const Finding* fresh = find(first, AlertKind::goroutine_group, "main.wait");
  ASSERT_NE(fresh, nullptr);
  const std::set<std::string> open{fresh->key};
  for (int m = 3; m < 20; m++) add(m, 150);  // the appearance has left the 10-minute window
  EXPECT_NE(find(detect(window.history(), {}, open), AlertKind::goroutine_group, "main.wait"),
            nullptr);
  EXPECT_EQ(find(detect(window.history(), {}), AlertKind::goroutine_group, "main.wait"), nullptr);
  add(20, 40);  // drained below half the threshold
  EXPECT_EQ(find(detect(window.history(), {}, open), AlertKind::goroutine_group, "main.wait"),
            nullptr);
}

TEST(DetectionRules, TheWindowKeepsEvenlySpreadPointsAndTheNewest) {
  StackPool pool;
  TargetWindow window("api", 10 * kMinute, pool);
  const std::vector<std::string> stack{"main.grow"};
  for (int i = 0; i < 1200; i++) {
    SnapshotSeries s;
    s.sites.push_back({stack, i, 1});
    auto info = info_at(i + 1, SnapshotKind::heap, 0);
    info.time_nanos = kStart + int64_t{i} * 1'000'000'000;
    info.total = i;  // a GC between every two snapshots
    window.add(info, s);
  }
  const auto h = window.history();
  ASSERT_LE(h.heap.size(), TargetWindow::kMaxPoints + 1);
  EXPECT_GE(h.heap.size(), TargetWindow::kMaxPoints / 2);
  EXPECT_EQ(h.heap.back().id, 1200);
  EXPECT_GE(h.heap.front().time_nanos, kStart + 1199 * int64_t{1'000'000'000} - 10 * kMinute);
  ASSERT_EQ(h.heap_sites.size(), 1u);
  EXPECT_EQ(h.heap_sites[0].points.size(), h.heap.size());
  // Stacks are shared, and dropped from the pool once no window holds them.
  EXPECT_EQ(pool.size(), 1u);
}

TEST(AlertLifeCycle, OpensRefreshesAndResolvesAfterTheQuietPeriod) {
  Finding f;
  f.key = "api/site_growth/1";
  f.target = "api";
  f.kind = AlertKind::site_growth;
  f.summary = "grows";
  const AlertTiming timing{50, 0};
  auto changes = reconcile_alerts({}, {}, {f}, 100, timing);
  ASSERT_EQ(changes.opened.size(), 1u);
  Alert a = changes.opened[0];
  EXPECT_EQ(a.state, AlertState::firing);
  EXPECT_EQ(a.started_nanos, 100);
  a.id = 7;

  f.summary = "grows faster";
  changes = reconcile_alerts({a}, {}, {f}, 120, timing);
  ASSERT_EQ(changes.updated.size(), 1u);
  EXPECT_TRUE(changes.opened.empty());
  EXPECT_EQ(changes.updated[0].finding.summary, "grows faster");
  EXPECT_EQ(changes.updated[0].started_nanos, 100);
  a = changes.updated[0];

  // Absent, but not for long enough: neither refreshed nor resolved.
  changes = reconcile_alerts({a}, {}, {}, 150, timing);
  EXPECT_TRUE(changes.updated.empty() && changes.resolved.empty() && changes.opened.empty());
  ASSERT_EQ(changes.quiet.size(), 1u);
  EXPECT_EQ(changes.quiet[0].id, 7);
  EXPECT_EQ(changes.quiet[0].updated_nanos, 120);
  changes = reconcile_alerts({a}, {}, {}, 170, timing);
  ASSERT_EQ(changes.resolved.size(), 1u);
  EXPECT_TRUE(changes.quiet.empty());
  EXPECT_EQ(changes.resolved[0].state, AlertState::resolved);
  EXPECT_EQ(changes.resolved[0].resolved_nanos, 170);
  EXPECT_EQ(changes.resolved[0].id, 7);
}

TEST(AlertLifeCycle, ReopeningInsideTheCooldownIsTheSameIncident) {
  Finding f;
  f.key = "api/heap_growth";
  f.target = "api";
  f.kind = AlertKind::heap_growth;
  Alert resolved;
  resolved.id = 9;
  resolved.finding = f;
  resolved.state = AlertState::resolved;
  resolved.started_nanos = 10;
  resolved.updated_nanos = 80;
  resolved.resolved_nanos = 100;
  const AlertTiming timing{50, 1000};
  auto changes = reconcile_alerts({}, {resolved}, {f}, 600, timing);
  EXPECT_TRUE(changes.opened.empty());
  ASSERT_EQ(changes.reopened.size(), 1u);
  EXPECT_EQ(changes.reopened[0].id, 9);
  EXPECT_EQ(changes.reopened[0].state, AlertState::firing);
  EXPECT_EQ(changes.reopened[0].started_nanos, 10);
  EXPECT_EQ(changes.reopened[0].resolved_nanos, 0);
  // Past the cool-down it is a new incident.
  changes = reconcile_alerts({}, {resolved}, {f}, 1200, timing);
  EXPECT_TRUE(changes.reopened.empty());
  ASSERT_EQ(changes.opened.size(), 1u);
  EXPECT_EQ(changes.opened[0].id, 0);
}

// Heap snapshots once a minute from minute `from` to before `to`, one site of value(minute).
template <typename F>
void fill_heap(TargetWindow& window, const std::vector<std::string>& stack, int from, int to,
               F value) {
  for (int i = from; i < to; i++) {
    SnapshotSeries s;
    const int64_t v = value(i);
    s.sites.push_back({stack, v, v / 64});
    s.total = v;
    s.total_count = v / 64;
    s.scalars["heap.sample_period"] = 512 * 1024;
    auto info = info_at(i + 1, SnapshotKind::heap, i);
    info.total = s.total;
    info.total_count = s.total_count;
    window.add(info, s);
  }
}

// A leak scraped every 10 s whose heap profile moves only at each GC, every 50 s: five scrapes
// of each cycle. Each GC is one point, at its first scrape, plus the newest scrape; the steps do
// not dilute the trend, and the alert opens and stays open through every flat run.
TEST(GrowthRule, ScrapesBetweenTheSameTwoGCsAreOnePoint) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  const std::vector<std::string> stack{"main.leak"};
  DetectionThresholds t;
  for (auto* g : {&t.heap, &t.site, &t.goroutine}) g->min_span_nanos = 5 * kMinute;
  std::set<std::string> open;
  int opened_at = -1, closed = 0;
  for (int i = 0; i < 120; i++) {
    const int64_t cycle = i / 5;
    SnapshotSeries s;
    s.total = (cycle + 1) * 4 * 1024 * 1024;
    s.total_count = s.total / 4096;
    s.sites.push_back({stack, s.total, s.total_count});
    s.scalars["heap.sample_period"] = 512 * 1024;
    auto info = info_at(i + 1, SnapshotKind::heap, 0);
    info.time_nanos = kStart + int64_t{i} * 10'000'000'000;
    info.total = s.total;
    info.total_count = s.total_count;
    window.add(info, s);
    const auto h = window.history();
    // One point per cycle seen, plus the newest scrape when it repeats its cycle.
    const size_t cycles = static_cast<size_t>(cycle) + 1;
    if (i % 5 == 0) {
      EXPECT_EQ(h.heap.size(), cycles) << i;  // 50 s apart: none thinned out
      EXPECT_EQ(h.heap.back().time_nanos, info.time_nanos);
    } else {
      EXPECT_EQ(h.heap.back().id, i + 1);
      EXPECT_EQ(h.heap[h.heap.size() - 2].total, s.total);
      EXPECT_EQ(h.heap[h.heap.size() - 2].time_nanos, info.time_nanos - (i % 5) * 10'000'000'000);
    }
    for (size_t k = 1; k + 1 < h.heap.size(); k++) EXPECT_NE(h.heap[k].total, h.heap[k - 1].total);
    const auto findings = detect(h, t, open);
    const bool firing = find(findings, AlertKind::site_growth, "main.leak") != nullptr;
    if (firing && open.empty()) opened_at = i;
    if (!firing && !open.empty()) closed++;
    open.clear();
    if (firing) open.insert(find(findings, AlertKind::site_growth, "main.leak")->key);
  }
  EXPECT_EQ(window.heap_repeats(), 120u - 24u - 1u);
  // Five minutes of growth (the `for`) after the first point, then never resolved.
  EXPECT_GE(opened_at, 30);
  EXPECT_LE(opened_at, 36);
  EXPECT_EQ(closed, 0);
}

// Heap profiles move at each GC, and GCs come often while a cache fills (the heap is small) and
// rarely once it holds. These are the GC points `watch` kept from testdata/services/watchscenario
// -scenario warmup (a 64 MiB cache filled in 2 s) scraped every 250 ms, up to the 6.75 s of its
// `for`: counted point by point the fill dominates (R² 0.81); weighted by the time each point
// stood for, the plateau does (R² 0.70), and it is no leak.
TEST(GrowthRule, PointsWeighTheTimeTheyStoodFor) {
  const double seconds[] = {0, 0.25, 0.75, 1.25, 2.0, 4.0, 5.75, 6.75};
  const double mib[] = {12.7, 20.8, 28.4, 41.6, 58.8, 70.6, 71.7, 71.7};
  std::vector<profiles::GrowthPoint> points;
  std::vector<double> x;
  std::vector<int64_t> y;
  for (size_t i = 0; i < std::size(seconds); i++) {
    const auto bytes = static_cast<int64_t>(mib[i] * 1024 * 1024);
    points.push_back({kStart + static_cast<int64_t>(seconds[i] * 1e9), bytes, bytes / 10240});
    x.push_back(seconds[i]);
    y.push_back(bytes);
  }
  EXPECT_GT(profiles::series_stats(x, y).r2, 0.8);  // unweighted: a climb
  auto t = profiles::heap_growth_defaults();
  t.sample_period = 512 * 1024;
  const auto g = profiles::classify_growth(points, t);
  EXPECT_LT(g.stats.r2, 0.75);
  EXPECT_FALSE(g.growing);
  // And lately it climbs at a twentieth of its slope over the span: not "still climbing".
  EXPECT_LT(g.recent_slope, t.min_recent_ratio * g.stats.slope);
  auto no_r2 = t;
  no_r2.min_r2 = 0;
  EXPECT_FALSE(profiles::classify_growth(points, no_r2).growing);
  // Evenly spaced, the points all weigh the same and a steady climb grows as before.
  std::vector<profiles::GrowthPoint> even;
  for (int64_t i = 0; i < 8; i++)
    even.push_back({kStart + i * 1'000'000'000, (i + 1) * 8 << 20, ((i + 1) * 8 << 20) / 10240});
  EXPECT_TRUE(profiles::classify_growth(even, t).growing);
}

TEST(GrowthRule, ACacheThatWarmsUpAndPlateausIsNotALeak) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  // Fills at 4 MiB a minute for ten minutes, then holds at its bound.
  fill_heap(window, {"main.(*lru).put"}, 0, 30,
            [](int m) { return int64_t{4} * 1024 * 1024 * std::min(m, 10); });
  DetectionThresholds t;
  for (auto* g : {&t.heap, &t.site, &t.goroutine}) g->min_span_nanos = 10 * kMinute;
  const auto findings = detect(window.history(), t);
  EXPECT_EQ(find(findings, AlertKind::site_growth, ""), nullptr);
  EXPECT_EQ(find(findings, AlertKind::heap_growth, ""), nullptr);
}

TEST(GrowthRule, GrowthMustHoldForTheSpanBeforeItAlerts) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  auto leak = [](int m) { return int64_t{4} * 1024 * 1024 * (m + 1); };
  fill_heap(window, {"main.leak"}, 0, 6, leak);
  DetectionThresholds t;
  for (auto* g : {&t.heap, &t.site, &t.goroutine}) g->min_span_nanos = 10 * kMinute;
  // Six points over five minutes: steep and straight, but not for long enough.
  EXPECT_EQ(find(detect(window.history(), t), AlertKind::site_growth, "main.leak"), nullptr);
  fill_heap(window, {"main.leak"}, 6, 11, leak);
  EXPECT_NE(find(detect(window.history(), t), AlertKind::site_growth, "main.leak"), nullptr);
}

TEST(GrowthRule, ASiteOfAFewSamplesIsNoise) {
  // 0 B to 1 MiB of 64-byte objects under 512 KiB sampling rests on two samples: not
  // significant.
  std::vector<profiles::GrowthPoint> points;
  for (int64_t i = 0; i < 6; i++)
    points.push_back({kStart + i * kMinute, i * 200 * 1024, i * 3200});
  auto t = profiles::site_growth_defaults();
  t.sample_period = 512 * 1024;
  t.min_recent_share = 0;
  const auto g = profiles::classify_growth(points, t);
  EXPECT_GT(g.noise, 0.7 * 1024 * 1024);
  EXPECT_FALSE(g.growing);
  // The same figures from every allocation (MemProfileRate 1) are exact, and grow.
  t.sample_period = 1;
  EXPECT_TRUE(profiles::classify_growth(points, t).growing);
}

TEST(GrowthRule, AnOpenAlertHoldsWhileALeakGrowsInSteps) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  // A leak in steps: 12 MiB every tenth minute, flat between.
  fill_heap(window, {"main.leak"}, 0, 30,
            [](int m) { return int64_t{12} * 1024 * 1024 * (m / 10 + 1); });
  DetectionThresholds t;
  for (auto* g : {&t.heap, &t.site, &t.goroutine}) g->min_r2 = 0.95;  // steps miss a strict fit
  const auto h = window.history();
  const auto closed = detect(h, t);
  ASSERT_EQ(find(closed, AlertKind::site_growth, "main.leak"), nullptr);
  const std::string key = "api/site_growth/" + fmt::format("{:016x}", stack_hash({"main.leak"}));
  const auto held = detect(h, t, {key, "api/heap_growth"});
  const Finding* f = find(held, AlertKind::site_growth, "main.leak");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->key, key);
  EXPECT_NE(find(held, AlertKind::heap_growth, ""), nullptr);
}

TEST(GrowthRule, AnOpenAlertLetsGoOnceTheLeakStops) {
  StackPool pool;
  TargetWindow window("api", 30 * kMinute, pool);
  // Grew for a while before the window, flat through all of it.
  fill_heap(window, {"main.leak"}, 0, 30, [](int) { return int64_t{64} * 1024 * 1024; });
  const std::string key = "api/site_growth/" + fmt::format("{:016x}", stack_hash({"main.leak"}));
  EXPECT_EQ(find(detect(window.history(), DetectionThresholds{}, {key}), AlertKind::site_growth,
                 "main.leak"),
            nullptr);
}

}  // namespace
}  // namespace leakseek::watch
