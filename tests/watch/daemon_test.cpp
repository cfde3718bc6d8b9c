// The whole loop against a fake Go service serving real fixture bodies: the profiletrend heap
// profiles one after another (a site leaking 64 KiB per snapshot) and a goroutine dump with a
// stuck finalizer. The daemon must store every scrape, raise the alerts, deliver them to a
// webhook once, survive a target that is down, and resume after a restart without re-alerting.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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
  c.metrics_path.clear();
  c.goroutine_path = "/debug/pprof/goroutine?debug=2";
  c.scrape.timeout = std::chrono::milliseconds(2000);
  c.scrape.retries = 0;
  c.receivers.push_back({ReceiverKind::webhook, "hook", webhook});
  // Snapshots 150 ms apart: the leak is 64 KiB per snapshot, gigabytes per hour.
  c.thresholds.site_slope_bytes_per_hour = 100.0 * 1024 * 1024;
  c.thresholds.heap_slope_bytes_per_hour = 100.0 * 1024 * 1024;
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
        EXPECT_GE(t.scrapes, 6u);
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

}  // namespace
}  // namespace leakseek::watch
