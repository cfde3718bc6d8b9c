#include "watch/api_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "format/goroutine_dump_reader.h"
#include "format/pprof_reader.h"
#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_diff.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"
#include "profiles/diff.h"
#include "report/goroutine_json.h"
#include "report/profile_diff.h"
#include "util/input_error.h"
#include "watch/api_error.h"
#include "watch/render/watch_json.h"

namespace leakseek::watch {

using nlohmann::json;

namespace {

StoredTarget known_target(const Store& store, const std::string& name) {
  auto t = store.target(name);
  if (!t) throw ApiError(404, "unknown target " + name);
  return *t;
}

SnapshotInfo known_snapshot(const Store& store, int64_t id) {
  auto s = store.snapshot(id);
  if (!s) throw ApiError(404, fmt::format("unknown snapshot {}", id));
  return *s;
}

std::string target_name(const Store& store, int64_t target_id) {
  for (const auto& t : store.targets())
    if (t.id == target_id) return t.name;
  return "";
}

std::vector<uint8_t> stored_body(const Store& store, const SnapshotInfo& s) {
  auto raw = store.raw_snapshot(s.id);
  if (!raw)
    throw ApiError(410, fmt::format("snapshot {}: the raw body was removed by retention", s.id));
  return std::move(*raw);
}

std::string body_name(const SnapshotInfo& s) {
  return fmt::format("snapshot {} ({})", s.id, snapshot_kind_name(s.kind));
}

// A stored body that no longer parses is the store's problem, not the request's.
[[noreturn]] void unreadable(const SnapshotInfo& s, const std::exception& e) {
  if (auto* ie = dynamic_cast<const InputError*>(&e))
    throw ApiError(500, "cannot read " + ie->describe());
  throw ApiError(500, "cannot read " + body_name(s) + ": " + e.what());
}

profiles::Profile read_heap_profile(const SnapshotInfo& s, const std::vector<uint8_t>& raw) {
  try {
    return format::read_pprof(raw, body_name(s));
  } catch (const std::exception& e) {
    unreadable(s, e);
  }
}

goroutines::GoroutineDump read_dump(const SnapshotInfo& s, const std::vector<uint8_t>& raw) {
  try {
    return format::read_goroutine_dump(raw, body_name(s));
  } catch (const std::exception& e) {
    unreadable(s, e);
  }
}

bool gzipped(const std::vector<uint8_t>& b) {
  return b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "target" : out;
}

}  // namespace

json api_targets(const Store& store, const StatusBoard& board) {
  auto stored = store.targets();
  json out = json::array();
  std::set<std::string> seen;
  for (const auto& status : board.targets()) {
    auto it = std::find_if(stored.begin(), stored.end(),
                           [&](const StoredTarget& t) { return t.name == status.name; });
    out.push_back(render::target_json(&status, it == stored.end() ? nullptr : &*it));
    seen.insert(status.name);
  }
  for (const auto& t : stored)
    if (!seen.count(t.name)) out.push_back(render::target_json(nullptr, &t));
  return {{"targets", std::move(out)}};
}

json api_alerts(const Store& store, bool include_resolved) {
  json out = json::array();
  for (const auto& a : store.alerts(include_resolved)) out.push_back(render::alert_json(a));
  return {{"alerts", std::move(out)}};
}

json api_snapshots(const Store& store, const std::string& target, SnapshotKind kind,
                   int64_t since_nanos, size_t limit) {
  auto t = known_target(store, target);
  auto snapshots = store.snapshots(t.id, kind, since_nanos);
  size_t skip = snapshots.size() > limit ? snapshots.size() - limit : 0;
  json out = json::array();
  for (size_t i = skip; i < snapshots.size(); i++)
    out.push_back(render::snapshot_info_json(snapshots[i], t.name));
  return {{"target", t.name},
          {"kind", snapshot_kind_name(kind)},
          {"omitted", skip},
          {"snapshots", std::move(out)}};
}

json api_series(const Store& store, const std::string& target, SnapshotKind kind,
                int64_t since_nanos, size_t max_points) {
  auto t = known_target(store, target);
  auto snapshots = store.snapshots(t.id, kind, since_nanos);
  if (max_points > 0 && snapshots.size() > max_points) {
    // Every step-th point counted back from the newest, so the latest value is always drawn.
    size_t step = (snapshots.size() + max_points - 1) / max_points;
    std::vector<SnapshotInfo> thinned;
    for (size_t i = snapshots.size(); i-- > 0;)
      if ((snapshots.size() - 1 - i) % step == 0) thinned.push_back(snapshots[i]);
    std::reverse(thinned.begin(), thinned.end());
    snapshots = std::move(thinned);
  }
  return render::total_series_json(t.name, kind, snapshots);
}

json api_trends(const Store& store, const std::string& target, SnapshotKind kind,
                int64_t window_nanos, int64_t now_nanos, const DetectionThresholds& thresholds,
                size_t limit) {
  auto t = known_target(store, target);
  int64_t since = now_nanos - window_nanos;
  auto snapshots = store.snapshots(t.id, kind, since);
  auto series = store.site_series(t.id, kind, since);
  const bool heap = kind == SnapshotKind::heap;
  // Judged as detection judges them, with the latest heap snapshot's sampling period.
  auto growth = thresholds.goroutine;
  if (heap) {
    TargetHistory latest;
    if (!snapshots.empty()) latest.heap_scalars.push_back(store.scalars(snapshots.back().id));
    growth = heap_site_thresholds(latest, thresholds);
  }
  auto trends = site_trends(snapshots, series, growth);
  size_t total = trends.size();
  if (trends.size() > limit) trends.resize(limit);
  return render::site_trends_json(t.name, kind, window_nanos, snapshots.size(), trends, total);
}

json api_snapshot(const Store& store, int64_t snapshot_id) {
  auto s = known_snapshot(store, snapshot_id);
  return render::snapshot_detail_json(s, target_name(store, s.target_id), store.scalars(s.id));
}

RawSnapshot api_snapshot_raw(const Store& store, int64_t snapshot_id) {
  auto s = known_snapshot(store, snapshot_id);
  RawSnapshot out;
  out.bytes = stored_body(store, s);
  const char* ext = gzipped(out.bytes) ? ".pb.gz" : s.kind == SnapshotKind::heap ? ".pb" : ".txt";
  out.filename = fmt::format("{}-{}-{}{}", file_safe(target_name(store, s.target_id)),
                             snapshot_kind_name(s.kind), s.id, ext);
  return out;
}

json api_snapshot_goroutines(const Store& store, int64_t snapshot_id) {
  auto s = known_snapshot(store, snapshot_id);
  if (s.kind != SnapshotKind::goroutine && s.kind != SnapshotKind::goroutine_leak)
    throw ApiError(400, fmt::format("snapshot {} is a {} snapshot, not a goroutine dump", s.id,
                                    snapshot_kind_name(s.kind)));
  auto raw = stored_body(store, s);
  auto dump = read_dump(s, raw);
  const auto r = goroutines::goroutine_report(dump);
  return {{"snapshot", render::snapshot_info_json(s, target_name(store, s.target_id))},
          {"goroutines", report::goroutine_report_json(r)}};
}

json api_diff(const Store& store, int64_t base_id, int64_t new_id) {
  auto base = known_snapshot(store, base_id);
  auto current = known_snapshot(store, new_id);
  if (base.target_id != current.target_id)
    throw ApiError(400,
                   fmt::format("snapshots {} and {} are of different targets", base_id, new_id));
  if (base.kind != current.kind)
    throw ApiError(
        400, fmt::format("snapshot {} is {} but {} is {}", base_id, snapshot_kind_name(base.kind),
                         new_id, snapshot_kind_name(current.kind)));
  if (base.kind == SnapshotKind::metrics)
    throw ApiError(400, "metrics snapshots have nothing to diff");
  auto base_raw = stored_body(store, base);
  auto current_raw = stored_body(store, current);
  std::string target = target_name(store, base.target_id);
  json out{{"kind", snapshot_kind_name(base.kind)},
           {"base", render::snapshot_info_json(base, target)},
           {"new", render::snapshot_info_json(current, target)}};
  if (base.kind == SnapshotKind::heap) {
    auto b = read_heap_profile(base, base_raw);
    auto c = read_heap_profile(current, current_raw);
    auto index = c.sample_type_index("inuse_space");
    if (!index || b.sample_type_index("inuse_space") != index)
      throw ApiError(400, fmt::format("snapshots {} and {} are not both heap profiles with "
                                      "inuse_space at the same position",
                                      base_id, new_id));
    profiles::DiffOptions options;
    options.sample_index = *index;
    try {
      out["diff"] = report::profile_diff_json(profiles::diff(b, c, options));
    } catch (const std::invalid_argument& e) {
      throw ApiError(400, fmt::format("snapshots {} and {}: {}", base_id, new_id, e.what()));
    }
  } else {
    auto b = read_dump(base, base_raw);
    auto c = read_dump(current, current_raw);
    out["diff"] = report::goroutine_diff_json(goroutines::diff_goroutines(c, b));
  }
  return out;
}

}  // namespace leakseek::watch
