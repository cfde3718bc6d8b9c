// The SQLite store: everything written comes back (targets, snapshots, raw bodies byte for byte,
// series, scalars, alerts and their history), retention prunes, deletes, downsamples and drops
// orphan stacks, history survives a reopen and a kill -9, a read-only connection sees what the
// writer commits, and a realistic heap snapshot costs under 30 KB.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "watch/store.h"

namespace leakseek::watch {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "leakseek-store-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A plain connection for what the Store does not expose: pragmas and table counts.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      ADD_FAILURE() << sqlite3_errmsg(db_);
  }
  ~RawDb() { sqlite3_close(db_); }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }
  int64_t number(const std::string& sql) { return std::stoll(text(sql)); }
  // Bytes the database's live pages take, whatever is still in the WAL.
  int64_t used_bytes() {
    return (number("PRAGMA page_count") - number("PRAGMA freelist_count")) *
           number("PRAGMA page_size");
  }

 private:
  sqlite3* db_ = nullptr;
};

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// A gzip-compressed body as pprof serves it: the magic, then incompressible bytes.
std::vector<uint8_t> gzip_like_body(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> body(size);
  for (auto& b : body) b = static_cast<uint8_t>(rng());
  body[0] = 0x1f;
  body[1] = 0x8b;
  body[2] = 8;
  return body;
}

// A heap profile of a service: `sites` allocation sites with 20-frame stacks drawn from a few
// hundred functions. Stacks are the same in every snapshot except the last `churn` sites, which
// are new each time; values grow and jitter per snapshot.
SnapshotSeries synthetic_heap(int64_t index, int sites = 300, int churn = 5) {
  std::vector<std::string> functions;
  for (int i = 0; i < 400; i++)
    functions.push_back("github.com/acme/shop/internal/pkg" + std::to_string(i % 37) + ".(*Type" +
                        std::to_string(i % 23) + ").Method" + std::to_string(i));
  std::mt19937_64 shape(42);
  std::mt19937_64 jitter(1000 + index);
  SnapshotSeries s;
  for (int site = 0; site < sites; site++) {
    SiteValue v;
    v.frames.push_back(site % 3 == 0 ? "runtime.mallocgc" : "runtime.makeslice");
    for (int f = 1; f < 20; f++) v.frames.push_back(functions[shape() % functions.size()]);
    if (site >= sites - churn) v.frames[1] = "main.request" + std::to_string(index);
    v.value = (site + 1) * 4096 + index * (site % 7) * 512 + static_cast<int64_t>(jitter() % 2048);
    v.count = v.value / 64;
    s.total += v.value;
    s.total_count += v.count;
    s.sites.push_back(std::move(v));
  }
  s.scalars["go_memstats_heap_inuse_bytes"] = static_cast<double>(s.total) * 1.25;
  s.scalars["go_goroutines"] = 40 + index;
  return s;
}

// The sites a snapshot should come back with: equal frames merged, in frame order.
std::map<std::vector<std::string>, std::pair<int64_t, int64_t>> merged(
    const std::vector<SiteValue>& sites) {
  std::map<std::vector<std::string>, std::pair<int64_t, int64_t>> out;
  for (const auto& s : sites) {
    out[s.frames].first += s.value;
    out[s.frames].second += s.count;
  }
  return out;
}

TEST(Store, TargetsAreUpsertedByName) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  int64_t api = store.upsert_target("api", "http://127.0.0.1:6060", {{"env", "prod"}});
  int64_t worker = store.upsert_target("worker", "http://127.0.0.1:6061", {});
  EXPECT_NE(api, worker);
  EXPECT_EQ(store.upsert_target("api", "http://10.0.0.1:6060", {{"env", "staging"}, {"team", "x"}}),
            api);

  auto all = store.targets();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, api);
  EXPECT_EQ(all[0].name, "api");
  EXPECT_EQ(all[0].url, "http://10.0.0.1:6060");
  EXPECT_EQ(all[0].labels, (std::map<std::string, std::string>{{"env", "staging"}, {"team", "x"}}));
  EXPECT_TRUE(all[1].labels.empty());
  ASSERT_TRUE(store.target("worker"));
  EXPECT_EQ(store.target("worker")->id, worker);
  EXPECT_FALSE(store.target("nope"));
}

TEST(Store, SnapshotsRoundTrip) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  int64_t t = store.upsert_target("api", "http://127.0.0.1:6060", {});

  auto gz = gzip_like_body(1, 9000);
  std::string text_body;
  for (int i = 0; i < 200; i++) text_body += "goroutine profile: total 12\n1 @ 0x1 0x2\n";
  SnapshotSeries heap = synthetic_heap(0, 20, 0);
  heap.scalars["nan"] = std::nan("");
  heap.scalars["inf"] = INFINITY;
  // Two sites whose function names match (different lines in Go) become one row.
  heap.sites.push_back(heap.sites[0]);
  SnapshotSeries goroutines;
  goroutines.total = 12;
  goroutines.sites = {{{"runtime.gopark", "main.worker"}, 10, 10}, {{"main.main"}, 2, 2}};
  goroutines.finalizer_function = "main.(*Conn).finalize";
  goroutines.finalizer_stack = {"sync.(*Mutex).Lock", "main.(*Conn).finalize"};

  int64_t h2 = store.add_snapshot(t, SnapshotKind::heap, 2 * kMinute, gz, heap);
  int64_t h1 = store.add_snapshot(t, SnapshotKind::heap, 1 * kMinute, gz, synthetic_heap(1, 20, 0));
  int64_t g1 =
      store.add_snapshot(t, SnapshotKind::goroutine, 1 * kMinute, bytes(text_body), goroutines);
  int64_t empty = store.add_snapshot(t, SnapshotKind::metrics, 3 * kMinute, {}, {});

  // Raw bodies: gzip kept as served, text deflated, both returned byte for byte.
  EXPECT_EQ(store.raw_snapshot(h2), gz);
  EXPECT_EQ(store.raw_snapshot(g1), bytes(text_body));
  EXPECT_EQ(store.raw_snapshot(empty), std::vector<uint8_t>{});
  EXPECT_FALSE(store.raw_snapshot(9999));
  auto info = store.snapshot(h2);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->target_id, t);
  EXPECT_EQ(info->kind, SnapshotKind::heap);
  EXPECT_EQ(info->time_nanos, 2 * kMinute);
  EXPECT_EQ(info->raw_bytes, 9000);
  EXPECT_EQ(info->stored_bytes, 9000);
  EXPECT_EQ(info->total, heap.total);
  EXPECT_EQ(info->total_count, heap.total_count);
  auto g = store.snapshot(g1);
  EXPECT_EQ(g->raw_bytes, static_cast<int64_t>(text_body.size()));
  EXPECT_LT(g->stored_bytes, g->raw_bytes / 10);
  EXPECT_EQ(g->finalizer_function, "main.(*Conn).finalize");
  EXPECT_FALSE(store.snapshot(9999));

  // Per kind, oldest first, since a time.
  auto heaps = store.snapshots(t, SnapshotKind::heap);
  ASSERT_EQ(heaps.size(), 2u);
  EXPECT_EQ(heaps[0].id, h1);
  EXPECT_EQ(heaps[1].id, h2);
  ASSERT_EQ(store.snapshots(t, SnapshotKind::heap, 2 * kMinute).size(), 1u);
  EXPECT_EQ(store.snapshots(t, SnapshotKind::goroutine).size(), 1u);

  auto scalars = store.scalars(h2);
  EXPECT_EQ(scalars.size(), 4u);
  EXPECT_TRUE(std::isnan(scalars.at("nan")));
  EXPECT_EQ(scalars.at("inf"), INFINITY);
  EXPECT_EQ(scalars.at("go_goroutines"), 40);

  // The sites, largest first, duplicates merged.
  auto sites = store.snapshot_sites(h2);
  ASSERT_EQ(sites.size(), 20u);
  for (size_t i = 1; i < sites.size(); i++) EXPECT_GE(sites[i - 1].value, sites[i].value);
  EXPECT_EQ(merged(sites), merged(heap.sites));
  auto gsites = store.snapshot_sites(g1);
  ASSERT_EQ(gsites.size(), 2u);
  EXPECT_EQ(gsites[0].frames, (std::vector<std::string>{"runtime.gopark", "main.worker"}));
  EXPECT_EQ(gsites[0].value, 10);
}

TEST(Store, SiteSeriesGroupsPointsPerStackInTimeOrder) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  int64_t a = store.upsert_target("a", "http://a", {});
  int64_t b = store.upsert_target("b", "http://b", {});
  const std::vector<std::string> leak = {"runtime.mallocgc", "main.(*Cache).Put", "main.handle"};
  const std::vector<std::string> steady = {"runtime.mallocgc", "main.init"};
  auto heap = [&](int64_t leaked, bool with_steady) {
    SnapshotSeries s;
    s.sites.push_back({leak, leaked, leaked / 8});
    if (with_steady) s.sites.push_back({steady, 100, 1});
    return s;
  };
  std::vector<int64_t> ids;
  // Written out of time order; the middle one lacks the steady site.
  ids.push_back(store.add_snapshot(a, SnapshotKind::heap, 30 * kSecond, {}, heap(3000, true)));
  ids.push_back(store.add_snapshot(a, SnapshotKind::heap, 10 * kSecond, {}, heap(1000, true)));
  ids.push_back(store.add_snapshot(a, SnapshotKind::heap, 20 * kSecond, {}, heap(2000, false)));
  store.add_snapshot(b, SnapshotKind::heap, 20 * kSecond, {}, heap(99, true));
  store.add_snapshot(a, SnapshotKind::goroutine, 20 * kSecond, {}, heap(77, true));

  auto series = store.site_series(a, SnapshotKind::heap);
  ASSERT_EQ(series.size(), 2u);
  const SiteSeries& l = series[0].frames == leak ? series[0] : series[1];
  const SiteSeries& s = series[0].frames == leak ? series[1] : series[0];
  EXPECT_EQ(l.frames, leak);
  EXPECT_EQ(s.frames, steady);
  EXPECT_NE(l.stack_id, s.stack_id);
  ASSERT_EQ(l.points.size(), 3u);
  EXPECT_EQ(l.points[0].snapshot_id, ids[1]);
  EXPECT_EQ(l.points[0].time_nanos, 10 * kSecond);
  EXPECT_EQ(l.points[0].value, 1000);
  EXPECT_EQ(l.points[0].count, 125);
  EXPECT_EQ(l.points[1].value, 2000);
  EXPECT_EQ(l.points[2].value, 3000);
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_EQ(s.points[0].snapshot_id, ids[1]);
  EXPECT_EQ(s.points[1].snapshot_id, ids[0]);

  auto recent = store.site_series(a, SnapshotKind::heap, 20 * kSecond);
  ASSERT_EQ(recent.size(), 2u);
  for (const auto& r : recent) EXPECT_EQ(r.points.size(), r.frames == leak ? 2u : 1u);
  // The same stack in another target shares the stack row.
  auto other = store.site_series(b, SnapshotKind::heap);
  ASSERT_EQ(other.size(), 2u);
  EXPECT_TRUE(other[0].stack_id == l.stack_id || other[1].stack_id == l.stack_id);
  RawDb raw(store.path());
  EXPECT_EQ(raw.number("SELECT count(*) FROM stacks"), 2);
  EXPECT_EQ(raw.number("SELECT count(*) FROM functions"), 4);
}

Alert firing_alert(const std::string& key, int64_t started) {
  Alert a;
  a.finding.key = key;
  a.finding.target = "api";
  a.finding.kind = AlertKind::site_growth;
  a.finding.site = "main.(*Cache).Put";
  a.finding.summary = "main.(*Cache).Put grows 12 MiB/h";
  a.finding.severity = "critical";
  a.finding.numbers = {{"slope_per_hour", 12.5e6}, {"r2", 0.97}, {"undefined", std::nan("")}};
  a.finding.stack = {"main.(*Cache).Put", "main.handle"};
  a.finding.snapshot_ids = {3, 4, 5};
  a.started_nanos = started;
  a.updated_nanos = started;
  return a;
}

TEST(Store, AlertsKeepTheirEvidenceAndHistory) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  Alert a = firing_alert("api/site_growth/main.(*Cache).Put", 100);
  a.id = store.save_alert(a);
  EXPECT_GT(a.id, 0);

  auto firing = store.firing_alerts();
  ASSERT_EQ(firing.size(), 1u);
  const Alert& got = firing[0];
  EXPECT_EQ(got.id, a.id);
  EXPECT_EQ(got.finding.key, a.finding.key);
  EXPECT_EQ(got.finding.target, "api");
  EXPECT_EQ(got.finding.kind, AlertKind::site_growth);
  EXPECT_EQ(got.finding.site, a.finding.site);
  EXPECT_EQ(got.finding.summary, a.finding.summary);
  EXPECT_EQ(got.finding.severity, "critical");
  EXPECT_EQ(got.finding.numbers.at("slope_per_hour"), 12.5e6);
  EXPECT_EQ(got.finding.numbers.at("r2"), 0.97);
  EXPECT_TRUE(std::isnan(got.finding.numbers.at("undefined")));
  EXPECT_EQ(got.finding.stack, a.finding.stack);
  EXPECT_EQ(got.finding.snapshot_ids, a.finding.snapshot_ids);
  EXPECT_EQ(got.state, AlertState::firing);
  EXPECT_EQ(got.started_nanos, 100);

  // An update without a state change adds no history.
  a.updated_nanos = 200;
  a.finding.numbers["r2"] = 0.99;
  EXPECT_EQ(store.save_alert(a), a.id);
  EXPECT_EQ(store.firing_alerts().at(0).finding.numbers.at("r2"), 0.99);
  EXPECT_EQ(store.firing_alerts().at(0).updated_nanos, 200);
  EXPECT_EQ(store.alert_history(a.id).size(), 1u);

  a.state = AlertState::resolved;
  a.resolved_nanos = 300;
  store.save_alert(a);
  EXPECT_TRUE(store.firing_alerts().empty());
  EXPECT_TRUE(store.alerts(false).empty());
  ASSERT_EQ(store.alerts(true).size(), 1u);
  EXPECT_EQ(store.alerts(true)[0].state, AlertState::resolved);
  EXPECT_EQ(store.alerts(true)[0].resolved_nanos, 300);

  Alert b = firing_alert("api/heap_growth/", 50);
  b.finding.kind = AlertKind::heap_growth;
  b.id = store.save_alert(b);
  auto all = store.alerts(true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, b.id);  // firing first, though updated earlier
  EXPECT_EQ(all[1].id, a.id);
  ASSERT_EQ(store.alerts(true, 1).size(), 1u);
  EXPECT_EQ(store.alerts(true, 1)[0].id, b.id);

  // Firing again after resolving is a third state change.
  a.state = AlertState::firing;
  a.updated_nanos = 400;
  a.resolved_nanos = 0;
  store.save_alert(a);
  auto history = store.alert_history(a.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].time_nanos, 100);
  EXPECT_EQ(history[0].state, AlertState::firing);
  EXPECT_EQ(history[1].time_nanos, 300);
  EXPECT_EQ(history[1].state, AlertState::resolved);
  EXPECT_EQ(history[2].time_nanos, 400);
  EXPECT_EQ(history[2].state, AlertState::firing);
  EXPECT_EQ(store.firing_alerts().size(), 2u);
  EXPECT_EQ(store.firing_alerts()[0].id, a.id);  // most recently updated first

  Alert unknown = firing_alert("x", 1);
  unknown.id = 9999;
  EXPECT_THROW(store.save_alert(unknown), StoreError);
}

TEST(Store, RetentionPrunesDeletesDownsamplesAndDropsOrphans) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  const int64_t now = 200 * kDay;  // a multiple of the 5-minute step
  int64_t a = store.upsert_target("a", "http://a", {});
  int64_t b = store.upsert_target("b", "http://b", {});
  const std::vector<std::string> shared = {"runtime.mallocgc", "main.shared"};
  auto heap = [&](std::vector<std::string> extra_frames = {}) {
    SnapshotSeries s;
    s.sites.push_back({shared, 10, 1});
    if (!extra_frames.empty()) s.sites.push_back({extra_frames, 5, 1});
    s.scalars["go_goroutines"] = 3;
    return s;
  };
  auto body = gzip_like_body(7, 100);

  SnapshotSeries old = heap({"runtime.mallocgc", "old.only"});
  old.finalizer_stack = {"old.finalizer"};
  int64_t too_old = store.add_snapshot(a, SnapshotKind::heap, now - 100 * kDay, body, old);
  const int64_t bucket = now - 10 * kDay;
  int64_t first = store.add_snapshot(a, SnapshotKind::heap, bucket + kMinute, body, heap());
  int64_t second = store.add_snapshot(a, SnapshotKind::heap, bucket + 2 * kMinute, body, heap());
  int64_t before_first = store.add_snapshot(a, SnapshotKind::heap, bucket, body, heap());
  int64_t next_bucket =
      store.add_snapshot(a, SnapshotKind::heap, bucket + 5 * kMinute, body, heap());
  int64_t other_target = store.add_snapshot(b, SnapshotKind::heap, bucket + kMinute, body, heap());
  int64_t other_kind =
      store.add_snapshot(a, SnapshotKind::goroutine, bucket + kMinute, body, heap());
  int64_t recent_raw = store.add_snapshot(a, SnapshotKind::heap, now - 3 * kDay, body, heap());
  int64_t fresh = store.add_snapshot(a, SnapshotKind::heap, now - kHour, body, heap());
  int64_t fresh2 = store.add_snapshot(a, SnapshotKind::heap, now - kHour + kMinute, body, heap());

  Alert resolved_long_ago = firing_alert("gone", now - 120 * kDay);
  resolved_long_ago.state = AlertState::resolved;
  resolved_long_ago.resolved_nanos = now - 100 * kDay;
  store.save_alert(resolved_long_ago);
  int64_t still_firing = store.save_alert(firing_alert("firing", now - 120 * kDay));
  Alert resolved_recently = firing_alert("recent", now - 2 * kDay);
  resolved_recently.state = AlertState::resolved;
  resolved_recently.resolved_nanos = now - kDay;
  int64_t recent_alert = store.save_alert(resolved_recently);

  RawDb raw(store.path());
  ASSERT_EQ(raw.number("SELECT count(*) FROM functions WHERE name = 'old.only'"), 1);

  // Raw removed from the 7 snapshots older than 7 days; 3 snapshots deleted, the one past 90 days
  // (2 series rows, 1 scalar) and the two later ones in the first bucket (1 and 1 each); orphan
  // stacks for the old site and for its finalizer, with their two functions; one alert and its
  // history entry.
  EXPECT_EQ(store.apply_retention(now, RetentionPolicy{}), 7 + (4 + 3 + 3) + 2 + 2 + 1 + 1);

  EXPECT_FALSE(store.snapshot(too_old));
  EXPECT_FALSE(store.snapshot(first));
  EXPECT_FALSE(store.snapshot(second));
  EXPECT_TRUE(store.snapshot_sites(first).empty());
  EXPECT_TRUE(store.scalars(first).empty());
  std::vector<int64_t> kept;
  for (const auto& s : store.snapshots(a, SnapshotKind::heap)) kept.push_back(s.id);
  EXPECT_EQ(kept, (std::vector<int64_t>{before_first, next_bucket, recent_raw, fresh, fresh2}));
  EXPECT_TRUE(store.snapshot(other_target));
  EXPECT_TRUE(store.snapshot(other_kind));

  EXPECT_FALSE(store.raw_snapshot(before_first));
  EXPECT_EQ(store.snapshot(before_first)->stored_bytes, 0);
  EXPECT_EQ(store.snapshot(before_first)->raw_bytes, 100);
  EXPECT_EQ(store.snapshot_sites(before_first).size(), 1u);  // series outlive the raw body
  EXPECT_EQ(store.raw_snapshot(recent_raw), body);
  EXPECT_EQ(store.raw_snapshot(fresh), body);

  EXPECT_EQ(raw.number("SELECT count(*) FROM stacks"), 1);
  EXPECT_EQ(raw.number("SELECT count(*) FROM functions"), 2);
  std::vector<int64_t> alert_ids;
  for (const auto& al : store.alerts(true)) alert_ids.push_back(al.id);
  EXPECT_EQ(alert_ids, (std::vector<int64_t>{still_firing, recent_alert}));
  EXPECT_EQ(raw.number("SELECT count(*) FROM alert_history"), 2);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");

  // A second pass has nothing left to do.
  EXPECT_EQ(store.apply_retention(now, RetentionPolicy{}), 0);

  // Writing a stack that retention deleted recreates it rather than pointing at the dead id.
  int64_t again = store.add_snapshot(a, SnapshotKind::heap, now, body, old);
  auto sites = store.snapshot_sites(again);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[1].frames, (std::vector<std::string>{"runtime.mallocgc", "old.only"}));
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
}

TEST(Store, ReopeningResumesHistory) {
  TempDir dir;
  const std::string path = dir.file("watch.db");
  int64_t target = 0;
  int64_t alert = 0;
  std::vector<SiteSeries> before;
  {
    Store store(path);
    target = store.upsert_target("api", "http://127.0.0.1:6060", {{"env", "prod"}});
    for (int i = 0; i < 3; i++)
      store.add_snapshot(target, SnapshotKind::heap, i * kMinute, gzip_like_body(i, 64),
                         synthetic_heap(i, 30, 1));
    alert = store.save_alert(firing_alert("k", 5));
    before = store.site_series(target, SnapshotKind::heap);
  }
  Store store(path);
  EXPECT_EQ(store.targets().size(), 1u);
  EXPECT_EQ(store.target("api")->labels.at("env"), "prod");
  EXPECT_EQ(store.snapshots(target, SnapshotKind::heap).size(), 3u);
  EXPECT_EQ(store.raw_snapshot(store.snapshots(target, SnapshotKind::heap)[2].id),
            gzip_like_body(2, 64));
  ASSERT_EQ(store.firing_alerts().size(), 1u);
  EXPECT_EQ(store.firing_alerts()[0].id, alert);

  store.add_snapshot(target, SnapshotKind::heap, 3 * kMinute, {}, synthetic_heap(3, 30, 1));
  auto after = store.site_series(target, SnapshotKind::heap);
  // Stable stacks continue with a fourth point under the same stack id; one new churned site.
  ASSERT_EQ(after.size(), before.size() + 1);
  for (size_t i = 0; i < before.size(); i++) {
    EXPECT_EQ(after[i].stack_id, before[i].stack_id);
    EXPECT_EQ(after[i].frames, before[i].frames);
    EXPECT_EQ(after[i].points.size(), before[i].points.size() + (i < 29 ? 1 : 0)) << i;
  }
}

TEST(Store, ReadOnlyConnectionSeesCommittedSnapshots) {
  TempDir dir;
  const std::string path = dir.file("watch.db");
  EXPECT_THROW(Store(path, true), StoreError);  // nothing there yet
  int64_t t = 0;
  {
    Store writer(path);
    t = writer.upsert_target("api", "http://a", {});
    int64_t first = writer.add_snapshot(t, SnapshotKind::heap, 1, {}, synthetic_heap(0, 10, 0));

    Store reader(path, true);
    EXPECT_TRUE(reader.snapshot(first));
    EXPECT_EQ(reader.snapshot_sites(first).size(), 10u);
    writer.add_snapshot(t, SnapshotKind::heap, 2, {}, synthetic_heap(1, 10, 0));
    EXPECT_EQ(reader.snapshots(t, SnapshotKind::heap).size(), 2u);
    EXPECT_EQ(reader.site_series(t, SnapshotKind::heap).at(0).points.size(), 2u);
    EXPECT_THROW(reader.upsert_target("other", "http://b", {}), StoreError);
    EXPECT_THROW(reader.add_snapshot(t, SnapshotKind::heap, 3, {}, {}), StoreError);
    EXPECT_EQ(writer.snapshots(t, SnapshotKind::heap).size(), 2u);
  }
  // Also once the writer is gone (its WAL checkpointed and removed).
  Store reader(path, true);
  EXPECT_EQ(reader.snapshots(t, SnapshotKind::heap).size(), 2u);
}

TEST(Store, ErrorsNameTheFileAndStep) {
  TempDir dir;
  const std::string path = dir.file("watch.db");
  {
    Store store(path);
    try {
      store.add_snapshot(42, SnapshotKind::heap, 1, {}, synthetic_heap(0, 3, 0));
      ADD_FAILURE() << "a snapshot of an unknown target was stored";
    } catch (const StoreError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find("FOREIGN KEY constraint failed"), std::string::npos)
          << e.what();
    }
    // The failed snapshot left nothing behind and the store still works.
    int64_t t = store.upsert_target("api", "http://a", {});
    int64_t id = store.add_snapshot(t, SnapshotKind::heap, 1, {}, synthetic_heap(0, 3, 0));
    EXPECT_EQ(store.snapshot_sites(id).size(), 3u);
    RawDb raw(path);
    EXPECT_EQ(raw.number("SELECT count(*) FROM snapshots"), 1);
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.number("PRAGMA auto_vacuum"), 2);
    raw.text("PRAGMA user_version = 99");
  }
  try {
    Store store(path);
    ADD_FAILURE() << "opened a store with a newer schema";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": the store has schema version 99, newer than this leakseek's 1");
  }
  EXPECT_THROW(Store(dir.file("missing/watch.db")), StoreError);
}

// The size budget from the issue: a heap profile with 300 sampled stacks, most repeating across
// snapshots, must cost under 30 KB per snapshot including its raw body.
TEST(Store, HeapSnapshotCostsUnder30KB) {
  TempDir dir;
  Store store(dir.file("watch.db"));
  int64_t t = store.upsert_target("api", "http://127.0.0.1:6060", {{"env", "prod"}});
  const size_t raw_size = 10 * 1024;
  store.add_snapshot(t, SnapshotKind::heap, 0, gzip_like_body(0, raw_size), synthetic_heap(0));
  RawDb raw(store.path());
  int64_t start = raw.used_bytes();
  const int snapshots = 50;
  for (int i = 1; i <= snapshots; i++)
    store.add_snapshot(t, SnapshotKind::heap, i * 15 * kSecond, gzip_like_body(i, raw_size),
                       synthetic_heap(i));
  double per_snapshot = static_cast<double>(raw.used_bytes() - start) / snapshots;
  double beyond_raw = per_snapshot - static_cast<double>(raw_size);
  std::printf(
      "[ measured ] store growth per heap snapshot (300 sites, 20 frames): %.0f bytes, "
      "%.0f beyond the %zu-byte raw body; file %lld bytes\n",
      per_snapshot, beyond_raw, raw_size, static_cast<long long>(store.size_bytes()));
  EXPECT_LT(per_snapshot, 30 * 1024);
  EXPECT_LT(beyond_raw, 30 * 1024);
  EXPECT_EQ(store.site_series(t, SnapshotKind::heap).size(), 300u - 5 + 5 * (snapshots + 1));
}

// A writer process the test SIGKILLs wherever it is. The child runs `work`, which reports
// pairs of numbers with send() and never returns; the parent reads them with receive().
class KilledWriter {
 public:
  template <typename Work>
  explicit KilledWriter(Work work) {
    if (pipe(fds_) != 0) std::abort();
    pid_ = fork();
    if (pid_ < 0) std::abort();
    if (pid_ == 0) {
      // The child does plain work only and never returns into the test framework.
      close(fds_[0]);
      try {
        work(*this);
      } catch (...) {
        _exit(2);
      }
      _exit(0);
    }
    close(fds_[1]);
  }
  ~KilledWriter() { close(fds_[0]); }

  void send(int64_t a, int64_t b) {
    int64_t message[2] = {a, b};
    if (write(fds_[1], message, sizeof message) != sizeof message) _exit(3);
  }
  // The next report, or nullopt when none came within timeout_ms.
  std::optional<std::pair<int64_t, int64_t>> receive(int timeout_ms) {
    pollfd p{fds_[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    int64_t message[2];
    if (read(fds_[0], message, sizeof message) != sizeof message) return std::nullopt;
    return std::pair{message[0], message[1]};
  }
  // Kills the writer; true when it was still running (it died of the signal).
  bool kill_now() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    return WIFSIGNALED(status);
  }

 private:
  int fds_[2] = {-1, -1};
  pid_t pid_ = -1;
};

// The daemon can be killed at any moment: every snapshot it reported as stored must come back
// whole after reopening, and the file must stay consistent.
TEST(Store, KillNineLosesAtMostTheSnapshotInFlight) {
  TempDir dir;
  const std::string path = dir.file("watch.db");
  int64_t target = Store(path).upsert_target("api", "http://a", {});
  std::map<int64_t, int64_t> index_of_id;  // snapshot id -> the index the child wrote it with
  int64_t next_index = 0;

  for (int round = 0; round < 3; round++) {
    KilledWriter writer([&](KilledWriter& w) {
      Store store(path);
      for (int64_t i = next_index;; i++) {
        auto raw = i % 2 ? gzip_like_body(i, 2000) : bytes(std::string(3000, 'a' + i % 26));
        w.send(store.add_snapshot(target, SnapshotKind::heap, i * kSecond, raw,
                                  synthetic_heap(i, 100, 3)),
               i);
      }
    });
    // Reads reports until enough commits happened, then kills the writer wherever it is.
    size_t reported = 0;
    auto read_report = [&](int timeout_ms) {
      auto message = writer.receive(timeout_ms);
      if (!message) return false;
      index_of_id[message->first] = message->second;
      next_index = std::max(next_index, message->second + 1);
      reported++;
      return true;
    };
    while (reported < 15 && read_report(60'000)) {
    }
    ASSERT_TRUE(writer.kill_now()) << "the writer exited before it was killed";
    while (read_report(0)) {
    }
    ASSERT_GE(reported, 15u);
    next_index += 1;  // the index in flight may have committed without being reported
  }

  Store store(path);
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
  auto stored = store.snapshots(target, SnapshotKind::heap);
  // Each round may have committed one snapshot it had no time to report.
  EXPECT_GE(stored.size(), index_of_id.size());
  EXPECT_LE(stored.size(), index_of_id.size() + 3);
  for (const auto& [id, i] : index_of_id) {
    auto info = store.snapshot(id);
    ASSERT_TRUE(info) << "reported snapshot " << id << " is missing";
    EXPECT_EQ(info->time_nanos, i * kSecond);
    auto expected_raw = i % 2 ? gzip_like_body(i, 2000) : bytes(std::string(3000, 'a' + i % 26));
    EXPECT_EQ(store.raw_snapshot(id), expected_raw) << id;
    EXPECT_EQ(merged(store.snapshot_sites(id)), merged(synthetic_heap(i, 100, 3).sites)) << id;
    EXPECT_EQ(store.scalars(id).size(), 2u);
  }
}

// Retention deletes and rewrites many rows in one transaction: a kill inside it must leave the
// store as before or as after it, never in between.
TEST(Store, KillNineDuringRetentionLeavesItWholeOrUndone) {
  TempDir dir;
  const std::string path = dir.file("watch.db");
  int64_t target = Store(path).upsert_target("api", "http://a", {});
  RetentionPolicy policy;
  policy.raw_max_age_nanos = 10 * kMinute;
  policy.series_max_age_nanos = 60 * kMinute;
  policy.downsample_after_nanos = 20 * kMinute;
  policy.downsample_step_nanos = 5 * kMinute;
  auto raw_of = [](int64_t i) { return gzip_like_body(i, 1500); };
  std::map<int64_t, int64_t> index_of_id;
  int64_t next_index = 0, retention_now = 0;
  std::mt19937 rng(7);

  for (int round = 0; round < 4; round++) {
    KilledWriter writer([&](KilledWriter& w) {
      Store store(path);
      for (int64_t i = next_index;; i++) {
        w.send(store.add_snapshot(target, SnapshotKind::heap, i * kMinute, raw_of(i),
                                  synthetic_heap(i, 100, 3)),
               i);
        if (i % 10 != 9) continue;
        w.send(-1, i * kMinute);  // -1: a retention pass at this time starts now
        store.apply_retention(i * kMinute, policy);
      }
    });
    int passes = 0;
    bool killed = false;
    while (auto message = writer.receive(60'000)) {
      if (message->first >= 0) {
        index_of_id[message->first] = message->second;
        next_index = std::max(next_index, message->second + 1);
        continue;
      }
      retention_now = message->second;
      // Past the first few passes (so there is something to delete), kill somewhere inside one.
      if (++passes < 3 + round) continue;
      usleep(std::uniform_int_distribution<int>(0, 4000)(rng));
      ASSERT_TRUE(writer.kill_now()) << "the writer exited before it was killed";
      killed = true;
      break;
    }
    ASSERT_TRUE(killed);
    next_index += 1;  // a snapshot may have committed unreported
  }

  Store store(path);
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
  EXPECT_EQ(raw.text("SELECT count(*) FROM series WHERE snapshot_id NOT IN (SELECT id FROM "
                     "snapshots) OR stack_id NOT IN (SELECT id FROM stacks)"),
            "0");
  EXPECT_EQ(raw.text("SELECT count(*) FROM scalars WHERE snapshot_id NOT IN (SELECT id FROM "
                     "snapshots)"),
            "0");
  size_t checked = 0;
  for (const auto& [id, i] : index_of_id) {
    auto info = store.snapshot(id);
    // Retention never deletes what is younger than downsample_after at its time.
    if (i * kMinute >= retention_now - policy.downsample_after_nanos) {
      ASSERT_TRUE(info) << "snapshot " << id << " at minute " << i << " is gone";
    }
    if (!info) continue;
    // A snapshot is all there, or its raw body alone was pruned as a whole.
    if (auto body = store.raw_snapshot(id)) {
      EXPECT_EQ(*body, raw_of(i)) << id;
    }
    EXPECT_EQ(merged(store.snapshot_sites(id)), merged(synthetic_heap(i, 100, 3).sites)) << id;
    EXPECT_EQ(store.scalars(id).size(), 2u) << id;
    checked++;
  }
  EXPECT_GT(checked, 20u);
  EXPECT_LT(checked, index_of_id.size());  // retention did delete
}

}  // namespace
}  // namespace leakseek::watch
