// The whole loop against a fake Go service serving real fixture bodies: the profiletrend heap
// profiles one after another (a site leaking 64 KiB per snapshot), a goroutine dump with a
// stuck finalizer and, from Go 1.27, the goroutineleak fixture's leak profile. It serves no
// /metrics, and no leak profile before 1.27: those 404s are "not served", not errors. The daemon
// must store every scrape, raise the alerts, deliver them to a webhook once, survive a target
// that is down, and resume after a restart without re-alerting.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/child_process.h"
#include "support/fixtures.h"
#include "support/local_http_server.h"
#include "watch/daemon.h"
#include "watch/store.h"

namespace leakseek::watch {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct FakeService {
  test::LocalHttpServer server;
  std::vector<std::string> heaps;
  std::string goroutines;
  std::string leak_profile;  // empty before Go 1.27: the endpoint is not served
  std::atomic<size_t> heap_calls{0};

  explicit FakeService(const std::string& go) {
    const auto facts = test::fixture_facts(go, "profiletrend");
    for (const auto& name : facts["profiles"])
      heaps.push_back(slurp(test::fixture_dir() + "/" + go + "/" +
                            facts["directory"].get<std::string>() + "/" + name.get<std::string>()));
    const auto g = test::fixture_facts(go, "goroutinefixture");
    goroutines =
        slurp(test::fixture_dir() + "/" + go + "/" + g["files"]["debug2"].get<std::string>());
    server.handle("GET", "/debug/pprof/heap", [this](const auto&, auto& res) {
      // Holds at the last snapshot once the recording runs out.
      const size_t i = std::min(heap_calls++, heaps.size() - 1);
      res.set_content(heaps[i], "application/octet-stream");
    });
    server.handle("GET", "/debug/pprof/goroutine",
                  [this](const auto&, auto& res) { res.set_content(goroutines, "text/plain"); });
    if (go >= "go1.27") {
      const auto leak = test::fixture_facts(go, "goroutineleak");
      leak_profile =
          slurp(test::fixture_dir() + "/" + go + "/" + leak["files"]["debug1"].get<std::string>());
      server.handle("GET", "/debug/pprof/goroutineleak", [this](const auto&, auto& res) {
        res.set_content(leak_profile, "text/plain");
      });
    }
    server.start();
  }
};

WatchConfig config_for(const std::vector<std::string>& urls, const std::string& dir,
                       const std::string& webhook) {
  WatchConfig c;
  for (const auto& u : urls) c.targets.push_back({"", u, {}});
  c.interval_nanos = 150'000'000;
  // Short enough that no point is thinned out: the recording's six snapshots all stay in it.
  c.window_nanos = 3'000'000'000;
  c.data_dir = dir;
  c.listen = "127.0.0.1:0";
  c.goroutine_path = "/debug/pprof/goroutine?debug=2";
  c.scrape.timeout = std::chrono::milliseconds(2000);
  c.scrape.retries = 0;
  c.receivers.push_back({ReceiverKind::webhook, "hook", webhook});
  // Snapshots 150 ms apart: the leak is 64 KiB per snapshot, gigabytes per hour.
  c.thresholds.site.min_slope_per_hour = 100.0 * 1024 * 1024;
  c.thresholds.heap.min_slope_per_hour = 100.0 * 1024 * 1024;
  // The recording's six snapshots come 150 ms apart and then hold: judged at once.
  c.for_nanos = 0;
  finish_watch_config(c);
  c.resolve_after_nanos = int64_t{3600} * 1'000'000'000;
  return c;
}

// Runs the daemon on a thread until `done` says so or the deadline passes.
bool run_until(Daemon& daemon, const std::function<bool()>& done, std::chrono::seconds limit) {
  std::atomic<bool> stop{false};
  std::thread loop([&] { daemon.run(stop); });
  const auto end = std::chrono::steady_clock::now() + limit;
  bool ok = false;
  while (std::chrono::steady_clock::now() < end && !(ok = done()))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  loop.join();
  return ok;
}

bool has_alert(const std::vector<Alert>& alerts, AlertKind kind, const std::string& site) {
  for (const auto& a : alerts)
    if (a.finding.kind == kind && a.finding.site == site) return true;
  return false;
}

class WatchDaemon : public testing::TestWithParam<std::string> {};

TEST_P(WatchDaemon, StoresScrapesRaisesAlertsAndResumes) {
  FakeService service(GetParam());
  test::LocalHttpServer hook;
  hook.handle("POST", "/hook", [](const auto&, auto& res) { res.status = 200; });
  hook.start();
  const auto dir = std::filesystem::temp_directory_path() /
                   ("leakseek-daemon-" + std::to_string(getpid()) + GetParam());
  std::filesystem::remove_all(dir);
  // A second target that refuses connections must not hold up the first.
  test::LocalHttpServer closed;
  closed.start();
  const std::string dead = closed.url();
  closed.stop();

  const auto config = config_for({service.server.url(), dead}, dir.string(), hook.url("/hook"));
  const auto facts = test::fixture_facts(GetParam(), "goroutinefixture");
  const auto finalizer = facts["finalizer"]["function"].get<std::string>();
  const bool leak_profile = !service.leak_profile.empty();
  const std::string leaked_function =
      leak_profile
          ? test::fixture_facts(GetParam(), "goroutineleak")["leaked_function"].get<std::string>()
          : "";
  std::vector<Alert> alerts;
  std::vector<std::string> changes;
  {
    StatusBoard board;
    DaemonHooks hooks;
    hooks.on_alert_change = [&](const Alert& a) { changes.push_back(a.finding.key); };
    Daemon daemon(config, board, hooks);
    Store reader(daemon.store_path(), true);
    const bool done = run_until(
        daemon,
        [&] {
          alerts = reader.alerts(false);
          // A seventh heap request starts only after the sixth round was stored.
          return service.heap_calls.load() > service.heaps.size() &&
                 has_alert(alerts, AlertKind::site_growth, "main.leakyGrow") &&
                 has_alert(alerts, AlertKind::finalizer_stall, finalizer) &&
                 (!leak_profile || has_alert(alerts, AlertKind::goroutine_leak, leaked_function)) &&
                 hook.requests("/hook").size() >= alerts.size();
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(done) << "alerts: " << alerts.size();
    const auto targets = board.targets();
    ASSERT_EQ(targets.size(), 2u);
    for (const auto& t : targets) {
      if (t.url == dead) {
        EXPECT_FALSE(t.up);
        EXPECT_NE(t.last_error.find("connection refused"), std::string::npos) << t.last_error;
      } else {
        EXPECT_TRUE(t.up) << t.last_error;
        EXPECT_EQ(t.scrape_errors, 0u) << t.last_error;
        EXPECT_GE(t.scrapes, 6u);
        const std::vector<std::string> absent =
            leak_profile ? std::vector<std::string>{"metrics"}
                         : std::vector<std::string>{"metrics", "goroutine_leak"};
        EXPECT_EQ(t.absent_endpoints, absent);
        if (leak_profile) {
          const auto leaked =
              test::fixture_facts(GetParam(), "goroutineleak")["leaked"].get<int64_t>();
          EXPECT_EQ(t.goroutines_leaked, leaked);
        }
      }
    }
  }
  // Every heap body stored byte for byte, in order.
  Store store((dir / "leakseek.db").string(), true);
  const auto target = store.target(service.server.url().substr(7));
  ASSERT_TRUE(target);
  const auto heaps = store.snapshots(target->id, SnapshotKind::heap);
  ASSERT_GE(heaps.size(), service.heaps.size());
  for (size_t i = 0; i < service.heaps.size(); i++) {
    const auto raw = store.raw_snapshot(heaps[i].id);
    ASSERT_TRUE(raw);
    EXPECT_EQ(std::string(raw->begin(), raw->end()), service.heaps[i]) << i;
  }
  const auto alert_count = store.firing_alerts().size();
  const auto hook_count = hook.requests("/hook").size();
  EXPECT_EQ(hook_count, alert_count) << "one webhook call per opened alert";
  EXPECT_EQ(changes.size(), alert_count);

  // A restart resumes: the same alerts stay firing, and none is opened or sent again.
  {
    StatusBoard board;
    DaemonHooks hooks;
    size_t rounds = 0;
    hooks.on_round = [&](const std::string&) { rounds++; };
    hooks.on_alert_change = [&](const Alert& a) { changes.push_back(a.finding.key); };
    Daemon daemon(config, board, hooks);
    EXPECT_TRUE(run_until(
        daemon, [&] { return rounds >= 8; }, std::chrono::seconds(30)));
  }
  EXPECT_EQ(store.firing_alerts().size(), alert_count);
  EXPECT_EQ(changes.size(), alert_count);
  EXPECT_EQ(hook.requests("/hook").size(), hook_count);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Go, WatchDaemon, testing::ValuesIn(test::go_versions()),
                         test::GoVersionName());

// The finalizer and cleanup stall rules fed by the runtime's own counters (Go 1.26's
// /gc/finalizers/* and /gc/cleanups/*) on a real service: testdata/gomod/metricsstall exports
// them through prometheus/client_golang (from the Go module proxy, pinned by its go.sum) and
// stalls one queue after a moment. The daemon scrapes its heap profile and /metrics only: no
// goroutine dump, which would show the stall another way.
struct QueueCase {
  std::string go;
  std::string queue;  // the -stall flag
  AlertKind kind;
  AlertKind other;
};

void PrintTo(const QueueCase& c, std::ostream* os) {
  *os << c.go << " " << c.queue;
}

std::vector<QueueCase> queue_cases() {
  std::vector<QueueCase> out;
  for (const auto& go : test::go_versions())
    if (go >= "go1.26") {
      out.push_back({go, "finalizer", AlertKind::finalizer_stall, AlertKind::cleanup_stall});
      out.push_back({go, "cleanup", AlertKind::cleanup_stall, AlertKind::finalizer_stall});
    }
  return out;
}

std::string build_metricsstall(const std::string& go, const std::string& dir) {
  const std::string prog = dir + "/metricsstall";
  const std::string cmd = std::string("cd '") + LEAKSEEK_SOURCE_DIR +
                          "/testdata/gomod/metricsstall' && GOFLAGS=-mod=readonly "
                          "GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 '" +
                          test::go_tool(go) + "' build -o '" + prog + "' .";
  return std::system(cmd.c_str()) == 0 ? prog : "";
}

class RuntimeQueueCounters : public testing::TestWithParam<QueueCase> {};

TEST_P(RuntimeQueueCounters, AStalledQueueIsFoundFromMetricsAlone) {
  const auto& c = GetParam();
  test::TempDir dir("leakseek-metricsstall");
  const auto prog = build_metricsstall(c.go, dir.path());
  ASSERT_FALSE(prog.empty()) << "cannot build testdata/gomod/metricsstall with " << c.go;
  test::ChildProcess service({prog, "-stall", c.queue, "-stall-after", "1500ms"},
                             dir.path() + "/service");
  const auto url = service.wait_for_line("listening on ", std::chrono::seconds(30));
  ASSERT_TRUE(url) << service.stderr_tail();

  WatchConfig config;
  config.targets.push_back({"", *url, {}});
  config.interval_nanos = 300'000'000;
  config.window_nanos = 30'000'000'000;
  config.data_dir = dir.path() + "/data";
  config.listen = "127.0.0.1:0";
  config.goroutine_path.clear();
  config.goroutine_leak_path.clear();
  config.scrape.timeout = std::chrono::milliseconds(2000);
  config.scrape.retries = 0;
  finish_watch_config(config);
  StatusBoard board;
  Daemon daemon(config, board, {});
  Store reader(daemon.store_path(), true);
  std::vector<Alert> alerts;
  const bool fired = run_until(
      daemon,
      [&] {
        alerts = reader.alerts(false);
        return std::any_of(alerts.begin(), alerts.end(),
                           [&](const Alert& a) { return a.finding.kind == c.kind; });
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(fired) << "no " << alert_kind_name(c.kind)
                     << " alert; service: " << service.stderr_tail();
  for (const auto& a : alerts) {
    EXPECT_NE(a.finding.kind, c.other) << a.finding.summary;
    if (a.finding.kind != c.kind) continue;
    const auto& n = a.finding.numbers;
    // The queue ran before it stalled, and has grown since.
    EXPECT_GT(n.at("executed"), 0) << a.finding.summary;
    EXPECT_GT(n.at("queued"), n.at("executed")) << a.finding.summary;
    EXPECT_EQ(n.at("queue"), n.at("queued") - n.at("executed"));
    EXPECT_EQ(a.finding.severity, "critical");
  }
  const auto targets = board.targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_TRUE(targets[0].up) << targets[0].last_error;
  EXPECT_TRUE(targets[0].absent_endpoints.empty());
  const double stalled =
      c.kind == AlertKind::finalizer_stall ? targets[0].finalizer_queue : targets[0].cleanup_queue;
  EXPECT_GT(stalled, 0);
  const auto target = reader.target(targets[0].name);
  ASSERT_TRUE(target);
  EXPECT_TRUE(reader.snapshots(target->id, SnapshotKind::goroutine).empty());
  EXPECT_FALSE(reader.snapshots(target->id, SnapshotKind::metrics).empty());
}

INSTANTIATE_TEST_SUITE_P(Go, RuntimeQueueCounters, testing::ValuesIn(queue_cases()),
                         [](const auto& info) {
                           std::string name = info.param.go + "_" + info.param.queue;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace leakseek::watch
