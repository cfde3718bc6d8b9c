#pragma once
// The daemon's embedded store: SQLite in WAL mode under the data directory. It keeps targets,
// snapshots (the raw body compressed, retrievable byte for byte), per-snapshot per-site series
// with stacks deduplicated across snapshots, and alerts with their history. Every write is one
// transaction, so a crash loses at most the snapshot being written.
//
// Not thread-safe: one Store per thread (SQLite's WAL lets readers in other connections run
// while the daemon writes). Meant for one writing process per file. Errors throw StoreError
// naming the database file and the step.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "watch/watch_model.h"

namespace leakseek::watch {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredTarget {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::map<std::string, std::string> labels;
};

// One state change of an alert: when it fired or resolved.
struct AlertHistoryEntry {
  int64_t time_nanos = 0;
  AlertState state = AlertState::firing;
};

struct RetentionPolicy {
  int64_t raw_max_age_nanos = int64_t{7} * 24 * 3600 * 1'000'000'000;      // raw bodies
  int64_t series_max_age_nanos = int64_t{90} * 24 * 3600 * 1'000'000'000;  // series points
  // Series points older than this are thinned to one snapshot per downsample_step per target
  // and kind (0: never downsample).
  int64_t downsample_after_nanos = int64_t{1} * 24 * 3600 * 1'000'000'000;
  int64_t downsample_step_nanos = int64_t{5} * 60 * 1'000'000'000;
};

class Store {
 public:
  // Opens or creates `path` (the parent directory must exist). read_only opens an existing
  // database for a second reader.
  explicit Store(const std::string& path, bool read_only = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Adds the target or updates its url and labels; returns its id. Names are unique.
  int64_t upsert_target(const std::string& name, const std::string& url,
                        const std::map<std::string, std::string>& labels);
  std::vector<StoredTarget> targets() const;
  std::optional<StoredTarget> target(const std::string& name) const;

  // Stores one scraped body and what was extracted from it, in one transaction; returns the
  // snapshot id.
  int64_t add_snapshot(int64_t target_id, SnapshotKind kind, int64_t time_nanos,
                       std::span<const uint8_t> raw, const SnapshotSeries& series);

  // Snapshots of a target and kind with time >= since_nanos, oldest first.
  std::vector<SnapshotInfo> snapshots(int64_t target_id, SnapshotKind kind,
                                      int64_t since_nanos = 0) const;
  std::optional<SnapshotInfo> snapshot(int64_t snapshot_id) const;
  // The body exactly as the target served it; nullopt when the snapshot is unknown or its raw
  // body was removed by retention.
  std::optional<std::vector<uint8_t>> raw_snapshot(int64_t snapshot_id) const;
  // Scalars stored with a snapshot.
  std::map<std::string, double> scalars(int64_t snapshot_id) const;

  // Per-site series of a target and kind over snapshots with time >= since_nanos, ordered by
  // stack id (the order stacks were first stored in).
  std::vector<SiteSeries> site_series(int64_t target_id, SnapshotKind kind,
                                      int64_t since_nanos = 0) const;
  // The site values of one snapshot (for diffs and groups), largest value first.
  std::vector<SiteValue> snapshot_sites(int64_t snapshot_id) const;

  // Inserts the alert (id 0: returns the new id) or updates it; every state change is also
  // appended to the alert's history.
  int64_t save_alert(const Alert& alert);
  // Alerts, firing first then most recently updated; resolved ones only when asked for.
  std::vector<Alert> alerts(bool include_resolved, size_t limit = 1000) const;
  std::vector<Alert> firing_alerts() const;
  // The alert's state changes, oldest first.
  std::vector<AlertHistoryEntry> alert_history(int64_t alert_id) const;

  // Applies the policy relative to now_nanos: drops raw bodies past raw_max_age, deletes
  // snapshots past series_max_age, thins older ones, removes stacks and names no snapshot uses
  // any more and resolved alerts past series_max_age. Buckets thinned once are not revisited,
  // so a snapshot stored later with an older time escapes downsampling. Returns the number of
  // rows changed.
  int64_t apply_retention(int64_t now_nanos, const RetentionPolicy& policy);

  // Bytes the database files use on disk (main file and WAL).
  int64_t size_bytes() const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace leakseek::watch
