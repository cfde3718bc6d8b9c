// The alerting rules on real Go services (testdata/services/watchscenario), each run with every
// supported Go: one that leaks steadily with a GC saw-tooth, a bounded cache that warms up, a
// heap that swings widely, a leak that starts late and one that stops. The daemon watches them
// on a compressed clock (interval 250 ms, window 20 s, the default thresholds scaled by the same
// factor as the window). Asserted: exactly one firing per leaking series and kind, no resolution
// while the leak goes on, exactly one when it stops, the time to the first alert, and no alert
// at all from the services that do not leak.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "support/child_process.h"
#include "support/fixtures.h"
#include "support/go_service.h"
#include "watch/daemon.h"
#include "watch/store.h"

namespace leakseek::watch {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kWindow = 20 * kSecond;
constexpr int64_t kDefaultWindow = 30 * 60 * kSecond;
constexpr double kStartDelaySeconds = 8;  // delayed: the leak starts after it
constexpr double kStopDelaySeconds = 14;  // stops: the leak stops after it
constexpr int kRunSeconds = 48;

struct Scenario {
  std::string name;
  std::vector<std::string> flags;
};

const std::vector<Scenario>& leaking() {
  static const std::vector<Scenario> all{
      {"steady", {}},
      {"delayed", {"-delay", "8s"}},
      {"stops", {"-delay", "14s"}},
  };
  return all;
}

// Watched apart from the leaking services, whose growing heaps and GC work on two shared cores
// would otherwise move a calm service's published heap for real.
const std::vector<Scenario>& calm() {
  static const std::vector<Scenario> all{
      {"warmup", {"-warmup", "1s", "-cache-bytes", "67108864"}},
      {"swings", {}},
  };
  return all;
}

struct Change {
  double seconds;  // since the daemon started
  Alert alert;
};

// Per target and alert key: when it fired and resolved (notified changes only).
struct Life {
  AlertKind kind;
  std::string site;
  std::string summary;  // when it first fired, with its numbers
  std::vector<double> fired, resolved;
};

struct Watched {
  std::map<std::string, std::map<std::string, Life>> lives;  // by target, then key
  std::vector<TargetStatus> targets;
  std::vector<Alert> stored;
  double for_seconds = 0;

  std::string describe(const std::string& target) {
    std::string out;
    for (const auto& [key, l] : lives[target])
      out += "\n  " + std::string(alert_kind_name(l.kind)) + " " + l.site + ": fired " +
             std::to_string(l.fired.size()) + "x (first " +
             (l.fired.empty() ? "-" : std::to_string(l.fired[0])) + " s), resolved " +
             std::to_string(l.resolved.size()) + "x" +
             (l.resolved.empty() ? "" : " (at " + std::to_string(l.resolved[0]) + " s)") + ": " +
             l.summary;
    return out;
  }
  const Life* first_alert(const std::string& target, AlertKind kind) {
    for (const auto& [key, l] : lives[target])
      if (l.kind == kind) return &l;
    return nullptr;
  }
};

// Runs the scenarios, built with `go`, under one daemon with this window for `seconds`.
void watch_scenarios(const std::string& go, const std::vector<Scenario>& scenarios,
                     int64_t window_nanos, int seconds, Watched& out) {
  test::TempDir dir("leakseek-scenarios");
  const auto prog = test::build_go_service(go, "watchscenario", dir.path());
  ASSERT_FALSE(prog.empty()) << "cannot build testdata/services/watchscenario with " << go;

  std::vector<std::unique_ptr<test::ChildProcess>> services;
  WatchConfig config;
  for (const auto& s : scenarios) {
    std::vector<std::string> argv{prog,      "-scenario",       s.name, "-leak-rate",
                                  "2097152", "-goroutine-rate", "5"};
    argv.insert(argv.end(), s.flags.begin(), s.flags.end());
    services.push_back(std::make_unique<test::ChildProcess>(argv, dir.path() + "/" + s.name));
    const auto url = services.back()->wait_for_line("listening on ", std::chrono::seconds(30));
    ASSERT_TRUE(url) << s.name << ": " << services.back()->stderr_tail();
    config.targets.push_back({s.name, *url, {}});
  }
  config.interval_nanos = 250'000'000;
  config.window_nanos = window_nanos;
  config.data_dir = dir.path() + "/data";
  config.listen = "127.0.0.1:0";
  config.scrape.timeout = std::chrono::milliseconds(2000);
  // The default thresholds on a clock as much faster as the window is shorter: rates per hour
  // scale with it.
  const double speedup = static_cast<double>(kDefaultWindow) / static_cast<double>(window_nanos);
  for (auto* g : {&config.thresholds.heap, &config.thresholds.site, &config.thresholds.goroutine})
    g->min_slope_per_hour *= speedup;
  finish_watch_config(config);
  out.for_seconds =
      static_cast<double>(config.thresholds.site.min_span_nanos) / static_cast<double>(kSecond);

  std::mutex mutex;
  std::vector<Change> changes;
  const auto start = std::chrono::steady_clock::now();
  DaemonHooks hooks;
  hooks.on_alert_change = [&](const Alert& a) {
    std::lock_guard lock(mutex);
    changes.push_back(
        {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), a});
  };
  StatusBoard board;
  Daemon daemon(config, board, hooks);
  Store reader(daemon.store_path(), true);
  std::atomic<bool> stop{false};
  std::thread loop([&] { daemon.run(stop); });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  loop.join();

  for (const auto& c : changes) {
    auto& life = out.lives[c.alert.finding.target][c.alert.finding.key];
    life.kind = c.alert.finding.kind;
    life.site = c.alert.finding.site;
    if (c.alert.state == AlertState::firing && life.summary.empty()) {
      life.summary = c.alert.finding.summary;
      for (const auto& [name, value] : c.alert.finding.numbers)
        life.summary += " " + name + "=" + std::to_string(value);
    }
    (c.alert.state == AlertState::firing ? life.fired : life.resolved).push_back(c.seconds);
  }
  out.targets = board.targets();
  out.stored = reader.alerts(true);
}

class WatchScenarios : public testing::TestWithParam<std::string> {};

// A cache that warms up to its bound and a heap that swings widely raise no alert at all. The
// window is 60 s here (`for` 20 s): `for` must be well longer than a warm-up and the GC after it
// that publishes the full cache, as the default 10 minutes is for warm-ups of a minute or two
// (bench/watch_soak.sh checks that at the real clock). On the 20 s window of the leak test, a
// cache filled in one second still looks like growth at the end of its 6.7 s `for`.
TEST_P(WatchScenarios, NonLeakersNeverAlert) {
  Watched w;
  watch_scenarios(GetParam(), calm(), 60 * kSecond, 45, w);
  if (HasFatalFailure()) return;
  for (const auto& t : w.targets) EXPECT_TRUE(t.up) << t.name << ": " << t.last_error;
  for (const auto& s : calm()) EXPECT_TRUE(w.lives[s.name].empty()) << s.name << w.describe(s.name);
  EXPECT_TRUE(w.stored.empty());
}

// The leaks: the site, the whole heap and the goroutine stack each fire once, after `for`; they
// stay firing while the leak goes on and resolve exactly once when it stops.
TEST_P(WatchScenarios, LeaksAlertOnceAndHold) {
  const std::string go = GetParam();
  Watched w;
  watch_scenarios(go, leaking(), kWindow, kRunSeconds, w);
  if (HasFatalFailure()) return;
  for (const auto& t : w.targets) EXPECT_TRUE(t.up) << t.name << ": " << t.last_error;
  const std::vector<std::pair<AlertKind, std::string>> expected{
      {AlertKind::site_growth, "main.(*sessionStore).keep"},
      {AlertKind::heap_growth, ""},
      {AlertKind::goroutine_growth, "main.waitForReply"},
  };
  for (const char* leak : {"steady", "delayed", "stops"}) {
    const bool delayed = std::string(leak) == "delayed";
    const double leak_start = delayed ? kStartDelaySeconds : 0;
    for (const auto& [kind, site] : expected) {
      const Life* l = w.first_alert(leak, kind);
      ASSERT_NE(l, nullptr) << leak << ": no " << alert_kind_name(kind) << w.describe(leak);
      if (!site.empty()) {
        EXPECT_NE(l->site.find(site), std::string::npos) << l->site;
      }
      ASSERT_EQ(l->fired.size(), 1u) << leak << w.describe(leak);
      const double to_alert = l->fired[0] - leak_start;
      // From a start, growth must hold for `for`; a late leak is judged over the whole window,
      // flat start included, but never before it begins.
      EXPECT_GE(to_alert, delayed ? 0 : w.for_seconds - 0.5)
          << leak << " " << alert_kind_name(kind);
      // The growth must show for `for` and then in the GC-published profile: a few seconds more.
      EXPECT_LE(to_alert, w.for_seconds + 8) << leak << " " << alert_kind_name(kind);
      if (std::string(leak) == "stops") {
        // Resolves once, after the leak stopped, and does not come back.
        ASSERT_EQ(l->resolved.size(), 1u) << leak << w.describe(leak);
        EXPECT_GT(l->resolved[0], kStopDelaySeconds);
      } else {
        EXPECT_TRUE(l->resolved.empty()) << leak << w.describe(leak);
      }
    }
    // Everything else it raised fired once and, while the leak goes on, stays firing.
    for (const auto& [key, l] : w.lives[leak]) {
      EXPECT_EQ(l.fired.size(), 1u) << leak << w.describe(leak);
      if (std::string(leak) != "stops") {
        EXPECT_TRUE(l.resolved.empty()) << leak << w.describe(leak);
      }
    }
    std::printf("%s %s:%s\n", go.c_str(), leak, w.describe(leak).c_str());
  }
  // Stored state agrees with the notifications: the stopped leak's growth alerts are resolved.
  for (const auto& a : w.stored) {
    if (a.finding.target == "stops" && a.finding.kind == AlertKind::site_growth) {
      EXPECT_EQ(a.state, AlertState::resolved);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Go, WatchScenarios, testing::ValuesIn(test::go_versions()),
                         test::GoVersionName());

}  // namespace
}  // namespace leakseek::watch
