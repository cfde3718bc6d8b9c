#include "watch/daemon.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include "format/goroutine_dump_reader.h"
#include "format/pprof_reader.h"
#include "util/input_error.h"
#include "watch/alert_tracker.h"
#include "watch/metrics_series.h"
#include "watch/notifier.h"
#include "watch/render/alert_text.h"
#include "watch/scraper.h"
#include "watch/snapshot_series.h"
#include "watch/store.h"
#include "watch/target_window.h"

namespace leakseek::watch {

namespace {

using Clock = std::chrono::steady_clock;

int64_t wall_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Scrape tags carry the target's index and the round's step.
constexpr size_t kMaxEndpoints = 8;

constexpr int64_t kRetentionEveryNanos = int64_t{3600} * 1'000'000'000;

// An optional endpoint that answered 404 is asked again only after this many rounds: a deploy
// may add it, but a target without it should not see a request it refuses on every round.
constexpr int kAbsentRetryRounds = 40;

struct Endpoint {
  SnapshotKind kind;
  std::string url;
  bool optional = false;  // a 404 means "not served", not an error
  bool absent = false;    // the last request got a 404
  int skip_rounds = 0;    // rounds left before asking an absent endpoint again
};

struct TargetRun {
  TargetConfig config;
  int64_t id = 0;
  std::vector<Endpoint> endpoints;  // the heap profile first
  std::vector<size_t> round;        // endpoints fetched in this round, in order
  Clock::time_point next_due;
  int step = -1;  // index into `round` being fetched; -1 between rounds
  Clock::time_point round_start;
  std::string round_error;
  bool round_timed_out = false;
  TargetStatus status;
  std::unique_ptr<TargetWindow> window;
  std::vector<Alert> firing;
  std::vector<Alert> resolved;  // inside the cool-down: they re-open rather than open anew
};

std::string describe_error(const std::exception& e) {
  if (const auto* input = dynamic_cast<const InputError*>(&e)) return input->describe();
  return e.what();
}

}  // namespace

struct Daemon::Impl {
  WatchConfig config;
  StatusBoard& board;
  DaemonHooks hooks;
  std::string store_path;
  std::unique_ptr<Store> store;
  StackPool stacks;
  std::vector<TargetRun> targets;
  std::unique_ptr<Scraper> scraper;
  std::unique_ptr<Notifier> notifier;
  int64_t last_retention = 0;

  Impl(WatchConfig c, StatusBoard& b, DaemonHooks h)
      : config(std::move(c)), board(b), hooks(std::move(h)) {
    std::filesystem::create_directories(config.data_dir);
    store_path = (std::filesystem::path(config.data_dir) / "leakseek.db").string();
    store = std::make_unique<Store>(store_path);
    scraper = std::make_unique<Scraper>(config.scrape);
    notifier = std::make_unique<Notifier>(config.receivers, config.notify);
    std::vector<Alert> firing = store->firing_alerts();
    std::vector<Alert> lately_resolved;
    for (auto& a : store->alerts(true))
      if (a.state == AlertState::resolved &&
          wall_nanos() - a.resolved_nanos <= config.cooldown_nanos)
        lately_resolved.push_back(std::move(a));
    const auto start = Clock::now();
    const int64_t since = wall_nanos() - config.window_nanos;
    for (size_t i = 0; i < config.targets.size(); i++) {
      TargetRun t;
      t.config = config.targets[i];
      t.id = store->upsert_target(t.config.name, t.config.url, t.config.labels);
      t.endpoints.push_back({SnapshotKind::heap, t.config.url + config.heap_path});
      if (!config.goroutine_path.empty())
        t.endpoints.push_back({SnapshotKind::goroutine, t.config.url + config.goroutine_path});
      // Not every Go service exports /metrics, and only Go 1.27 (1.26 with an experiment)
      // serves the goroutine leak profile: both are optional.
      if (!config.metrics_path.empty())
        t.endpoints.push_back({SnapshotKind::metrics, t.config.url + config.metrics_path, true});
      if (!config.goroutine_leak_path.empty())
        t.endpoints.push_back(
            {SnapshotKind::goroutine_leak, t.config.url + config.goroutine_leak_path, true});
      // Spread first scrapes over one interval so 1,000 targets do not all start at once.
      t.next_due =
          start + std::chrono::nanoseconds(config.interval_nanos * static_cast<int64_t>(i) /
                                           static_cast<int64_t>(config.targets.size()));
      t.status.name = t.config.name;
      t.status.url = t.config.url;
      t.status.labels = t.config.labels;
      t.window = std::make_unique<TargetWindow>(t.config.name, config.window_nanos, stacks);
      resume(t, since);
      for (const auto& a : firing)
        if (a.finding.target == t.config.name) t.firing.push_back(a);
      for (const auto& a : lately_resolved)
        if (a.finding.target == t.config.name) t.resolved.push_back(a);
      t.status.firing_alerts = t.firing.size();
      board.set(t.status);
      targets.push_back(std::move(t));
    }
    board.set_store_bytes(store->size_bytes());
  }

  // Loads the window back from the store, so a restart does not wait a whole window to detect.
  void resume(TargetRun& t, int64_t since) {
    for (int k = 0; k < kSnapshotKinds; k++) {
      const auto kind = static_cast<SnapshotKind>(k);
      for (const auto& info : store->snapshots(t.id, kind, since)) {
        auto scalars = store->scalars(info.id);
        update_status(t.status, kind, info.total, scalars);
        t.window->add(info, store->snapshot_sites(info.id), std::move(scalars));
      }
    }
  }

  static void update_status(TargetStatus& status, SnapshotKind kind, int64_t total,
                            const std::map<std::string, double>& scalars) {
    auto queue = [&](const RuntimeQueueCounters& c) {
      auto q = scalars.find(c.queued);
      auto e = scalars.find(c.executed);
      return q != scalars.end() && e != scalars.end() ? q->second - e->second : -1.0;
    };
    switch (kind) {
      case SnapshotKind::heap:
        status.heap_inuse_bytes = total;
        break;
      case SnapshotKind::goroutine:
        status.goroutines = total;
        break;
      case SnapshotKind::goroutine_leak:
        status.goroutines_leaked = total;
        break;
      case SnapshotKind::metrics:
        status.finalizer_queue = queue(kFinalizerQueue);
        status.cleanup_queue = queue(kCleanupQueue);
        break;
    }
  }

  void submit_step(TargetRun& t, size_t index) {
    const size_t step = static_cast<size_t>(t.step);
    scraper->submit({index * kMaxEndpoints + step, t.endpoints[t.round[step]].url});
  }

  void start_round(TargetRun& t, size_t index) {
    t.round.clear();
    for (size_t i = 0; i < t.endpoints.size(); i++) {
      Endpoint& e = t.endpoints[i];
      if (e.absent && e.skip_rounds-- > 0) continue;
      t.round.push_back(i);
    }
    t.step = 0;
    t.round_start = Clock::now();
    t.round_error.clear();
    t.round_timed_out = false;
    submit_step(t, index);
  }

  static std::vector<std::string> absent_endpoints(const TargetRun& t) {
    std::vector<std::string> names;
    for (const auto& e : t.endpoints)
      if (e.absent) names.push_back(snapshot_kind_name(e.kind));
    return names;
  }

  SnapshotSeries extract(SnapshotKind kind, const ScrapeResult& r) {
    // Bodies are kept as served; what they may inflate to is bounded here, while decoding.
    const uint64_t inflated = config.body_limits.inflate_limit(r.body.size());
    switch (kind) {
      case SnapshotKind::heap:
        return heap_snapshot_series(
            format::read_pprof(r.body, r.url, {.max_decompressed_bytes = inflated}));
      case SnapshotKind::goroutine:
        return goroutine_snapshot_series(format::read_goroutine_dump(r.body, r.url, inflated));
      case SnapshotKind::metrics:
        return metrics_snapshot_series(r.body, r.url);
      case SnapshotKind::goroutine_leak:
        return goroutine_leak_snapshot_series(format::read_goroutine_dump(r.body, r.url, inflated));
    }
    return {};
  }

  void record(TargetRun& t, Endpoint& endpoint, const ScrapeResult& r) {
    const SnapshotKind kind = endpoint.kind;
    if (endpoint.optional && !r.ok && r.http_status == 404) {
      endpoint.absent = true;
      endpoint.skip_rounds = kAbsentRetryRounds;
      return;
    }
    if (r.ok) endpoint.absent = false;
    if (!r.ok) {
      t.round_error = std::string(snapshot_kind_name(kind)) + ": " + r.url + ": " + r.error;
      t.round_timed_out = r.timed_out;
      return;
    }
    SnapshotSeries series;
    try {
      series = extract(kind, r);
    } catch (const std::exception& e) {
      t.round_error = std::string(snapshot_kind_name(kind)) + ": " + describe_error(e);
      return;
    }
    SnapshotInfo info;
    info.target_id = t.id;
    info.kind = kind;
    info.time_nanos = wall_nanos();
    info.raw_bytes = static_cast<int64_t>(r.body.size());
    info.total = series.total;
    info.total_count = series.total_count;
    info.finalizer_function = series.finalizer_function;
    info.id = store->add_snapshot(t.id, kind, info.time_nanos, r.body, series);
    t.window->add(info, series);
    update_status(t.status, kind, series.total, series.scalars);
  }

  void evaluate(TargetRun& t) {
    const int64_t now = wall_nanos();
    std::set<std::string> open;
    for (const auto& a : t.firing) open.insert(a.finding.key);
    auto findings = detect(t.window->history(), config.thresholds, open);
    for (auto& f : findings) f.summary = render::finding_summary(f);
    std::erase_if(t.resolved,
                  [&](const Alert& a) { return now - a.resolved_nanos > config.cooldown_nanos; });
    const auto changes = reconcile_alerts(t.firing, t.resolved, findings, now,
                                          {config.resolve_after_nanos, config.cooldown_nanos});
    std::vector<Alert> firing;
    for (auto a : changes.opened) {
      a.id = store->save_alert(a);
      notifier->notify(a);
      if (hooks.on_alert_change) hooks.on_alert_change(a);
      firing.push_back(std::move(a));
    }
    // The same incident again inside the cool-down: stored, not sent.
    for (const auto& a : changes.reopened) {
      store->save_alert(a);
      std::erase_if(t.resolved, [&](const Alert& r) { return r.id == a.id; });
      firing.push_back(a);
    }
    for (const auto& a : changes.updated) {
      store->save_alert(a);
      firing.push_back(a);
    }
    for (const auto& a : changes.resolved) {
      store->save_alert(a);
      notifier->notify(a);
      if (hooks.on_alert_change) hooks.on_alert_change(a);
      t.resolved.push_back(a);
    }
    // Alerts not yet old enough to resolve stay firing as they were.
    firing.insert(firing.end(), changes.quiet.begin(), changes.quiet.end());
    t.firing = std::move(firing);
    t.status.firing_alerts = t.firing.size();
  }

  void finish_round(TargetRun& t) {
    t.step = -1;
    t.status.scrapes++;
    t.status.last_scrape_nanos = wall_nanos();
    t.status.last_scrape_seconds =
        std::chrono::duration<double>(Clock::now() - t.round_start).count();
    t.status.up = t.round_error.empty();
    t.status.health = t.status.up ? "up" : t.round_timed_out ? "timed out" : "down";
    t.status.absent_endpoints = absent_endpoints(t);
    if (!t.round_error.empty()) {
      t.status.scrape_errors++;
      t.status.last_error = t.round_error;
    }
    try {
      evaluate(t);
    } catch (const StoreError& e) {
      t.status.last_error = e.what();
    }
    board.set(t.status);
    if (hooks.on_round) hooks.on_round(t.config.name);
  }

  void handle(const ScrapeResult& r) {
    const size_t index = r.tag / kMaxEndpoints;
    if (index >= targets.size()) return;
    TargetRun& t = targets[index];
    if (t.step < 0 || r.tag % kMaxEndpoints != static_cast<size_t>(t.step)) return;
    Endpoint& endpoint = t.endpoints[t.round[static_cast<size_t>(t.step)]];
    record(t, endpoint, r);
    // A target that refuses its heap profile is down: do not hammer it with the rest.
    if (!r.ok && endpoint.kind == SnapshotKind::heap) return finish_round(t);
    if (++t.step < static_cast<int>(t.round.size()))
      submit_step(t, index);
    else
      finish_round(t);
  }

  void maintain() {
    const int64_t now = wall_nanos();
    if (now - last_retention >= kRetentionEveryNanos) {
      store->apply_retention(now, config.retention);
      last_retention = now;
    }
    board.set_store_bytes(store->size_bytes());
  }

  void run(const std::atomic<bool>& stop) {
    const auto interval = std::chrono::nanoseconds(config.interval_nanos);
    auto next_maintenance = Clock::now();
    while (!stop.load()) {
      auto now = Clock::now();
      auto wake = now + std::chrono::milliseconds(200);
      for (size_t i = 0; i < targets.size(); i++) {
        TargetRun& t = targets[i];
        if (t.step < 0 && now >= t.next_due) {
          start_round(t, i);
          // A round that overran its slot starts the next one an interval after now, rather
          // than queueing catch-up scrapes.
          t.next_due += interval;
          if (t.next_due <= now) t.next_due = now + interval;
        }
        if (t.step < 0) wake = std::min(wake, t.next_due);
      }
      const auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now),
                                 std::chrono::milliseconds(1));
      // The scraper returns at once when it has nothing to do; between rounds the loop sleeps.
      if (scraper->pending() == 0) std::this_thread::sleep_for(wait);
      for (const auto& r : scraper->poll(wait)) handle(r);
      if (Clock::now() >= next_maintenance) {
        maintain();
        next_maintenance = Clock::now() + std::chrono::seconds(5);
      }
    }
    notifier->flush(std::chrono::milliseconds(2000));
  }
};

Daemon::Daemon(WatchConfig config, StatusBoard& board, DaemonHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(config), board, std::move(hooks))) {}
Daemon::~Daemon() = default;

const std::string& Daemon::store_path() const {
  return impl_->store_path;
}
void Daemon::run(const std::atomic<bool>& stop) {
  impl_->run(stop);
}

}  // namespace leakseek::watch
