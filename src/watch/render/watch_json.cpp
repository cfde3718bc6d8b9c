#include "watch/render/watch_json.h"

#include <fmt/format.h>

#include "report/units.h"

namespace leakseek::watch::render {

using report::rfc3339_utc_exact;

using nlohmann::json;

namespace {

json optional_time(int64_t nanos) {
  return nanos > 0 ? json(rfc3339_utc_exact(nanos)) : json(nullptr);
}

json known_or_null(double v) {
  return v >= 0 ? json(v) : json(nullptr);
}
json known_or_null(int64_t v) {
  return v >= 0 ? json(v) : json(nullptr);
}

std::string raw_url(int64_t snapshot_id) {
  return fmt::format("/api/snapshots/{}/raw", snapshot_id);
}

const char* series_unit(watch::SnapshotKind kind) {
  return kind == watch::SnapshotKind::heap ? "bytes" : "goroutines";
}

}  // namespace

json target_json(const watch::TargetStatus* status, const watch::StoredTarget* stored) {
  json j;
  j["name"] = status ? status->name : stored->name;
  j["url"] = status ? status->url : stored->url;
  j["labels"] = stored && !stored->labels.empty() ? stored->labels
                : status                          ? status->labels
                                                  : std::map<std::string, std::string>{};
  j["stored"] = stored != nullptr;
  j["scraped"] = status != nullptr;
  if (!status) {
    j["up"] = false;
    j["health"] = "";
    j["firing_alerts"] = 0;
    return j;
  }
  j["up"] = status->up;
  j["health"] = status->health;
  j["last_error"] = status->last_error;
  j["last_scrape"] = optional_time(status->last_scrape_nanos);
  j["last_scrape_nanos"] = status->last_scrape_nanos;
  j["last_scrape_seconds"] = status->last_scrape_seconds;
  j["scrapes"] = status->scrapes;
  j["scrape_errors"] = status->scrape_errors;
  j["heap_inuse_bytes"] = known_or_null(status->heap_inuse_bytes);
  j["goroutines"] = known_or_null(status->goroutines);
  j["goroutines_leaked"] = known_or_null(status->goroutines_leaked);
  j["finalizer_queue"] = known_or_null(status->finalizer_queue);
  j["cleanup_queue"] = known_or_null(status->cleanup_queue);
  j["absent_endpoints"] = status->absent_endpoints;
  j["firing_alerts"] = status->firing_alerts;
  return j;
}

json alert_json(const watch::Alert& a) {
  const watch::Finding& f = a.finding;
  json links = json::array();
  for (int64_t id : f.snapshot_ids) links.push_back(raw_url(id));
  return {{"id", a.id},
          {"key", f.key},
          {"target", f.target},
          {"kind", watch::alert_kind_name(f.kind)},
          {"site", f.site},
          {"severity", f.severity},
          {"state", a.state == watch::AlertState::firing ? "firing" : "resolved"},
          {"summary", f.summary},
          {"started", optional_time(a.started_nanos)},
          {"started_nanos", a.started_nanos},
          {"updated", optional_time(a.updated_nanos)},
          {"updated_nanos", a.updated_nanos},
          {"resolved", optional_time(a.resolved_nanos)},
          {"resolved_nanos", a.resolved_nanos},
          {"evidence",
           {{"numbers", f.numbers},
            {"stack", f.stack},
            {"snapshot_ids", f.snapshot_ids},
            {"snapshot_links", std::move(links)}}}};
}

json snapshot_info_json(const watch::SnapshotInfo& s, const std::string& target) {
  json j{{"id", s.id},
         {"target", target},
         {"kind", watch::snapshot_kind_name(s.kind)},
         {"time", rfc3339_utc_exact(s.time_nanos)},
         {"time_nanos", s.time_nanos},
         {"raw_bytes", s.raw_bytes},
         {"stored_bytes", s.stored_bytes},
         {"raw_available", s.stored_bytes > 0},
         {"total", s.total},
         {"total_count", s.total_count}};
  if (!s.finalizer_function.empty()) j["finalizer_function"] = s.finalizer_function;
  return j;
}

json snapshot_detail_json(const watch::SnapshotInfo& info, const std::string& target,
                          const std::map<std::string, double>& scalars) {
  json j = snapshot_info_json(info, target);
  j["scalars"] = scalars;
  j["raw_url"] = info.stored_bytes > 0 ? json(raw_url(info.id)) : json(nullptr);
  return j;
}

json total_series_json(const std::string& target, watch::SnapshotKind kind,
                       const std::vector<watch::SnapshotInfo>& snapshots) {
  json points = json::array();
  for (const auto& s : snapshots)
    points.push_back({{"time_nanos", s.time_nanos},
                      {"total", s.total},
                      {"count", s.total_count},
                      {"snapshot_id", s.id}});
  return {{"target", target},
          {"kind", watch::snapshot_kind_name(kind)},
          {"unit", series_unit(kind)},
          {"points", std::move(points)}};
}

json site_trends_json(const std::string& target, watch::SnapshotKind kind, int64_t window_nanos,
                      size_t snapshots_in_window, const std::vector<watch::SiteTrend>& trends,
                      size_t total_sites) {
  json sites = json::array();
  for (const auto& t : trends) {
    json points = json::array();
    for (const auto& p : t.points)
      points.push_back({{"time_nanos", p.time_nanos},
                        {"value", p.value},
                        {"count", p.count},
                        {"snapshot_id", p.snapshot_id}});
    sites.push_back({{"stack_id", t.stack_id},
                     {"frames", t.frames},
                     {"slope_per_hour", t.slope_per_hour},
                     {"r2", t.r2},
                     {"first", t.first},
                     {"last", t.last},
                     {"monotonicity", profiles::monotonicity_name(t.monotonicity)},
                     {"growing", t.growing},
                     {"points", std::move(points)}});
  }
  return {{"target", target},
          {"kind", watch::snapshot_kind_name(kind)},
          {"unit", series_unit(kind)},
          {"window_nanos", window_nanos},
          {"snapshots", snapshots_in_window},
          {"total_sites", total_sites},
          {"sites", std::move(sites)}};
}

}  // namespace leakseek::watch::render
