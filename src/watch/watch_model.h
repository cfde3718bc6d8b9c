#pragma once
// The plain data the watch daemon passes between its stages: what was scraped, what the store
// keeps per snapshot, and what detection found. No behaviour.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakseek::watch {

// What a target serves, one kind per scraped endpoint. goroutine_leak is Go 1.27's
// /debug/pprof/goroutineleak (1.26 with GOEXPERIMENT=goroutineleakprofile): only the goroutines
// the GC proved can never wake.
enum class SnapshotKind { heap, goroutine, metrics, goroutine_leak };
inline constexpr int kSnapshotKinds = 4;
const char* snapshot_kind_name(SnapshotKind kind);
std::optional<SnapshotKind> snapshot_kind_from_name(std::string_view name);

// One site's values in one snapshot. Heap: an allocation stack with in-use bytes (value) and
// objects (count). Goroutine: a stack signature with the number of goroutines (value = count).
struct SiteValue {
  std::vector<std::string> frames;  // innermost first, function names as Go prints them
  int64_t value = 0;
  int64_t count = 0;
};

// Everything detection needs from one snapshot, extracted once when it is stored so that trends
// need no re-parsing of raw profiles.
struct SnapshotSeries {
  int64_t total =
      0;  // heap: in-use bytes; goroutine: goroutines; goroutine_leak: leaked; metrics: 0
  int64_t total_count = 0;  // heap: in-use objects
  std::vector<SiteValue> sites;
  // Named scalars: "go_goroutines", "go_memstats_heap_inuse_bytes",
  // "go_gc_finalizers_queued_finalizers_total", "finalizer.blocked" (0/1),
  // "finalizer.wait_minutes", "finalizer.cleanup" (1 when the stuck goroutine runs cleanups)...
  // Only those present are set.
  std::map<std::string, double> scalars;
  // The finalizer goroutine's user function when it runs one (goroutine snapshots), with its
  // stack, innermost first.
  std::string finalizer_function;
  std::vector<std::string> finalizer_stack;
};

struct SnapshotInfo {
  int64_t id = 0;
  int64_t target_id = 0;
  SnapshotKind kind = SnapshotKind::heap;
  int64_t time_nanos = 0;
  int64_t raw_bytes = 0;     // size of the body as the target served it
  int64_t stored_bytes = 0;  // compressed size in the store (0 once the raw body was pruned)
  int64_t total = 0;
  int64_t total_count = 0;
  std::string finalizer_function;
};

// A point of a site's series: its value in one snapshot.
struct SeriesPoint {
  int64_t snapshot_id = 0;
  int64_t time_nanos = 0;
  int64_t value = 0;
  int64_t count = 0;
};

struct SiteSeries {
  int64_t stack_id = 0;
  std::vector<std::string> frames;
  std::vector<SeriesPoint> points;  // time order; snapshots without the site are absent
};

enum class AlertKind {
  heap_growth,
  site_growth,
  goroutine_growth,
  goroutine_group,
  finalizer_stall,
  cleanup_stall,   // runtime.AddCleanup's queue (Go 1.24+)
  goroutine_leak,  // goroutines the GC proved leaked (goroutine leak profile)
};
inline constexpr AlertKind kAlertKinds[] = {AlertKind::heap_growth,      AlertKind::site_growth,
                                            AlertKind::goroutine_growth, AlertKind::goroutine_group,
                                            AlertKind::finalizer_stall,  AlertKind::cleanup_stall,
                                            AlertKind::goroutine_leak};
const char* alert_kind_name(AlertKind kind);
std::optional<AlertKind> alert_kind_from_name(std::string_view name);

// What one evaluation of one target found. `key` identifies the condition across evaluations
// (target, kind, site), so the same leak is one alert however long it lasts.
struct Finding {
  std::string key;
  std::string target;
  AlertKind kind = AlertKind::heap_growth;
  std::string site;     // the leaf function or "" for whole-process findings
  std::string summary;  // one line a human reads first
  std::string severity = "warning";
  // Evidence: numbers by name (slope_per_hour, r2, first, last, points, wait_minutes ...), the
  // stack innermost first, and the snapshots the numbers came from.
  std::map<std::string, double> numbers;
  std::vector<std::string> stack;
  std::vector<int64_t> snapshot_ids;
};

enum class AlertState { firing, resolved };

struct Alert {
  int64_t id = 0;
  Finding finding;
  AlertState state = AlertState::firing;
  int64_t started_nanos = 0;
  int64_t updated_nanos = 0;   // last evaluation that saw the condition
  int64_t resolved_nanos = 0;  // 0 while firing
};

}  // namespace leakseek::watch
