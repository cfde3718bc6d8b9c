#include "watch/store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "watch/store_raw_body.h"
#include "watch/store_schema.h"
#include "watch/store_sqlite.h"

namespace leakseek::watch {

using nlohmann::json;

namespace {

// The interning caches grow with the distinct names and stacks written; past this size they
// start over rather than keep every stack of every target in memory.
constexpr size_t kMaxCachedIds = size_t{1} << 18;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kInt64Max : kInt64Min;
  return sum;
}

// now - age, clamped to the int64 range.
int64_t cutoff(int64_t now, int64_t age) {
  return age == kInt64Min ? kInt64Max : saturating_add(now, -age);
}

int64_t floor_to_step(int64_t t, int64_t step) {
  int64_t q = t / step - (t % step != 0 && t < 0 ? 1 : 0);
  return q * step;
}

// Invalid UTF-8 (a mangled function name) becomes U+FFFD instead of an exception.
std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* state_name(AlertState state) {
  return state == AlertState::firing ? "firing" : "resolved";
}

json evidence_json(const Finding& finding) {
  json numbers = json::object();
  for (const auto& [name, value] : finding.numbers) numbers[name] = value;
  return {{"numbers", numbers}, {"stack", finding.stack}, {"snapshot_ids", finding.snapshot_ids}};
}

// The inverse of evidence_json. JSON has no NaN or infinities: those were written as null and
// come back as NaN.
void read_evidence(const json& evidence, Finding& finding) {
  for (const auto& [name, value] : evidence.at("numbers").items())
    finding.numbers[name] = value.is_null() ? std::nan("") : value.get<double>();
  finding.stack = evidence.at("stack").get<std::vector<std::string>>();
  finding.snapshot_ids = evidence.at("snapshot_ids").get<std::vector<int64_t>>();
}

}  // namespace

struct Store::Impl {
  SqliteDb db;
  // name -> functions.id and frame-id list -> stacks.id, valid while stacks_generation matches
  // the store's (retention in any connection bumps it when it deletes stacks).
  std::unordered_map<std::string, int64_t> function_ids;
  std::unordered_map<std::string, int64_t> stack_ids;
  int64_t cached_generation = -1;

  Impl(const std::string& path, bool read_only) : db(path, read_only) {
    open_store_schema(db, read_only);
    if (!read_only) db.exec("CREATE TEMP TABLE retention_victims(id INTEGER PRIMARY KEY)");
  }

  void forget_cached_ids() {
    function_ids.clear();
    stack_ids.clear();
    cached_generation = -1;
  }

  int64_t stacks_generation() {
    auto q = db.query("SELECT value FROM meta WHERE key = 'stacks_generation'");
    return q.step() ? q.int64(0) : 0;
  }

  int64_t function_id(const std::string& name) {
    if (auto it = function_ids.find(name); it != function_ids.end()) return it->second;
    int64_t id = 0;
    {
      auto q = db.query("SELECT id FROM functions WHERE name = ?", name);
      if (q.step()) id = q.int64(0);
    }
    if (id == 0) {
      db.query("INSERT INTO functions(name) VALUES (?)", name).run();
      id = db.last_insert_rowid();
    }
    if (function_ids.size() >= kMaxCachedIds) function_ids.clear();
    function_ids.emplace(name, id);
    return id;
  }

  // Interns the stack: its frames as a JSON array of function ids, stored once.
  int64_t stack_id(const std::vector<std::string>& frames) {
    std::string key = "[";
    for (const auto& frame : frames) {
      if (key.size() > 1) key += ',';
      key += std::to_string(function_id(frame));
    }
    key += ']';
    if (auto it = stack_ids.find(key); it != stack_ids.end()) return it->second;
    int64_t id = 0;
    {
      auto q = db.query("SELECT id FROM stacks WHERE frames = ?", key);
      if (q.step()) id = q.int64(0);
    }
    if (id == 0) {
      db.query("INSERT INTO stacks(frames) VALUES (?)", key).run();
      id = db.last_insert_rowid();
    }
    if (stack_ids.size() >= kMaxCachedIds) stack_ids.clear();
    stack_ids.emplace(std::move(key), id);
    return id;
  }

  std::vector<std::string> frames(int64_t stack_id) {
    std::vector<std::string> names;
    auto q = db.query(
        "SELECT f.name FROM stacks s, json_each(s.frames) j JOIN functions f ON f.id = j.value "
        "WHERE s.id = ? ORDER BY j.key",
        stack_id);
    while (q.step()) names.push_back(q.text(0));
    return names;
  }

  SnapshotKind kind(const SqliteQuery& q, int column) {
    int64_t value = q.int64(column);
    if (value < 0 || value >= kSnapshotKinds)
      throw StoreError(db.path() + ": snapshot with unknown kind " + std::to_string(value));
    return static_cast<SnapshotKind>(value);
  }

  // Columns: id, target_id, kind, time_nanos, raw_bytes, stored_bytes, total, total_count,
  // finalizer_function.
  SnapshotInfo snapshot_info(const SqliteQuery& q) {
    SnapshotInfo info;
    info.id = q.int64(0);
    info.target_id = q.int64(1);
    info.kind = kind(q, 2);
    info.time_nanos = q.int64(3);
    info.raw_bytes = q.int64(4);
    info.stored_bytes = q.int64(5);
    info.total = q.int64(6);
    info.total_count = q.int64(7);
    info.finalizer_function = q.text(8);
    return info;
  }

  // Columns: id, key, target, kind, site, severity, state, summary, evidence, started, updated,
  // resolved.
  Alert alert(const SqliteQuery& q) {
    Alert alert;
    alert.id = q.int64(0);
    Finding& f = alert.finding;
    f.key = q.text(1);
    f.target = q.text(2);
    std::string kind = q.text(3);
    const auto known = alert_kind_from_name(kind);
    if (known) f.kind = *known;
    if (!known)
      throw StoreError(db.path() + ": alert " + std::to_string(alert.id) + ": unknown kind \"" +
                       kind + "\"");
    f.site = q.text(4);
    f.severity = q.text(5);
    alert.state = q.text(6) == "resolved" ? AlertState::resolved : AlertState::firing;
    f.summary = q.text(7);
    try {
      read_evidence(json::parse(q.text(8)), f);
    } catch (const json::exception& e) {
      throw StoreError(db.path() + ": alert " + std::to_string(alert.id) +
                       ": damaged evidence: " + e.what());
    }
    alert.started_nanos = q.int64(9);
    alert.updated_nanos = q.int64(10);
    alert.resolved_nanos = q.int64(11);
    return alert;
  }

  StoredTarget target(const SqliteQuery& q) {
    StoredTarget t{.id = q.int64(0), .name = q.text(1), .url = q.text(2), .labels = {}};
    try {
      const json labels = json::parse(q.text(3));
      for (const auto& [key, value] : labels.items())
        t.labels[key] = value.is_string() ? value.get<std::string>() : value.dump();
    } catch (const json::exception& e) {
      throw StoreError(db.path() + ": target " + t.name + ": damaged labels: " + e.what());
    }
    return t;
  }
};

Store::Store(const std::string& path, bool read_only)
    : impl_(std::make_unique<Impl>(path, read_only)), path_(path) {}

Store::~Store() = default;

int64_t Store::upsert_target(const std::string& name, const std::string& url,
                             const std::map<std::string, std::string>& labels) {
  auto q = impl_->db.query(
      "INSERT INTO targets(name, url, labels) VALUES (?, ?, ?) "
      "ON CONFLICT(name) DO UPDATE SET url = excluded.url, labels = excluded.labels "
      "RETURNING id",
      name, url, dump_json(json(labels)));
  if (!q.step()) throw StoreError(path_ + ": upserting target " + name + ": no id returned");
  int64_t id = q.int64(0);
  q.run();
  return id;
}

std::vector<StoredTarget> Store::targets() const {
  std::vector<StoredTarget> out;
  auto q = impl_->db.query("SELECT id, name, url, labels FROM targets ORDER BY id");
  while (q.step()) out.push_back(impl_->target(q));
  return out;
}

std::optional<StoredTarget> Store::target(const std::string& name) const {
  auto q = impl_->db.query("SELECT id, name, url, labels FROM targets WHERE name = ?", name);
  if (!q.step()) return std::nullopt;
  return impl_->target(q);
}

int64_t Store::add_snapshot(int64_t target_id, SnapshotKind kind, int64_t time_nanos,
                            std::span<const uint8_t> raw, const SnapshotSeries& series) {
  PackedBody body;
  try {
    body = pack_raw_body(raw);
  } catch (const std::runtime_error& e) {
    throw StoreError(path_ + ": " + e.what());
  }
  auto& db = impl_->db;
  try {
    SqliteTransaction tx(db);
    // With the write lock held no other connection can delete stacks under the caches.
    int64_t generation = impl_->stacks_generation();
    if (generation != impl_->cached_generation) {
      impl_->forget_cached_ids();
      impl_->cached_generation = generation;
    }
    std::optional<int64_t> finalizer_stack;
    if (!series.finalizer_stack.empty()) finalizer_stack = impl_->stack_id(series.finalizer_stack);
    db.query(
          "INSERT INTO snapshots(target_id, kind, time_nanos, raw_bytes, stored_bytes, "
          "raw_compressed, total, total_count, finalizer_function, finalizer_stack_id, raw) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          target_id, static_cast<int>(kind), time_nanos, static_cast<int64_t>(raw.size()),
          static_cast<int64_t>(body.bytes.size()), body.compressed ? 1 : 0, series.total,
          series.total_count, series.finalizer_function, finalizer_stack,
          std::span<const uint8_t>(body.bytes))
        .run();
    int64_t id = db.last_insert_rowid();

    // Sites whose frames print the same (other lines of the same functions) share a stack and
    // one row, their values summed.
    std::map<int64_t, std::pair<int64_t, int64_t>> by_stack;
    for (const auto& site : series.sites) {
      auto& [value, count] = by_stack[impl_->stack_id(site.frames)];
      value = saturating_add(value, site.value);
      count = saturating_add(count, site.count);
    }
    for (const auto& [stack, values] : by_stack)
      db.query("INSERT INTO series(snapshot_id, stack_id, value, count) VALUES (?, ?, ?, ?)", id,
               stack, values.first, values.second)
          .run();
    for (const auto& [name, value] : series.scalars) {
      auto q = db.query("INSERT INTO scalars(snapshot_id, name, value) VALUES (?, ?, ?)", id, name);
      // SQLite turns NaN into NULL anyway; NULL reads back as NaN.
      if (std::isnan(value))
        q.bind(3, std::nullopt);
      else
        q.bind(3, value);
      q.run();
    }
    tx.commit();
    return id;
  } catch (...) {
    // Ids interned by a rolled-back transaction no longer exist.
    impl_->forget_cached_ids();
    throw;
  }
}

std::vector<SnapshotInfo> Store::snapshots(int64_t target_id, SnapshotKind kind,
                                           int64_t since_nanos) const {
  std::vector<SnapshotInfo> out;
  auto q = impl_->db.query(
      "SELECT id, target_id, kind, time_nanos, raw_bytes, stored_bytes, total, total_count, "
      "finalizer_function FROM snapshots WHERE target_id = ? AND kind = ? AND time_nanos >= ? "
      "ORDER BY time_nanos, id",
      target_id, static_cast<int>(kind), since_nanos);
  while (q.step()) out.push_back(impl_->snapshot_info(q));
  return out;
}

std::optional<SnapshotInfo> Store::snapshot(int64_t snapshot_id) const {
  auto q = impl_->db.query(
      "SELECT id, target_id, kind, time_nanos, raw_bytes, stored_bytes, total, total_count, "
      "finalizer_function FROM snapshots WHERE id = ?",
      snapshot_id);
  if (!q.step()) return std::nullopt;
  return impl_->snapshot_info(q);
}

std::optional<std::vector<uint8_t>> Store::raw_snapshot(int64_t snapshot_id) const {
  auto q = impl_->db.query(
      "SELECT raw_compressed, raw_bytes, raw FROM snapshots WHERE id = ? AND raw IS NOT NULL",
      snapshot_id);
  if (!q.step()) return std::nullopt;
  try {
    return unpack_raw_body(q.blob(2), q.int64(0) != 0, static_cast<uint64_t>(q.int64(1)));
  } catch (const std::runtime_error& e) {
    throw StoreError(path_ + ": snapshot " + std::to_string(snapshot_id) + ": " + e.what());
  }
}

std::map<std::string, double> Store::scalars(int64_t snapshot_id) const {
  std::map<std::string, double> out;
  auto q = impl_->db.query("SELECT name, value FROM scalars WHERE snapshot_id = ?", snapshot_id);
  while (q.step()) out[q.text(0)] = q.is_null(1) ? std::nan("") : q.real(1);
  return out;
}

std::vector<SiteSeries> Store::site_series(int64_t target_id, SnapshotKind kind,
                                           int64_t since_nanos) const {
  std::vector<SiteSeries> out;
  std::unordered_map<int64_t, size_t> index_of_stack;
  {
    // Rows come in the snapshot index's time order, so each stack's points arrive sorted.
    auto q = impl_->db.query(
        "SELECT se.stack_id, sn.id, sn.time_nanos, se.value, se.count "
        "FROM snapshots sn JOIN series se ON se.snapshot_id = sn.id "
        "WHERE sn.target_id = ? AND sn.kind = ? AND sn.time_nanos >= ? "
        "ORDER BY sn.time_nanos, sn.id",
        target_id, static_cast<int>(kind), since_nanos);
    while (q.step()) {
      int64_t stack = q.int64(0);
      auto [it, added] = index_of_stack.emplace(stack, out.size());
      if (added) out.push_back({.stack_id = stack, .frames = {}, .points = {}});
      out[it->second].points.push_back({.snapshot_id = q.int64(1),
                                        .time_nanos = q.int64(2),
                                        .value = q.int64(3),
                                        .count = q.int64(4)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const SiteSeries& a, const SiteSeries& b) { return a.stack_id < b.stack_id; });
  for (auto& s : out) s.frames = impl_->frames(s.stack_id);
  return out;
}

std::vector<SiteValue> Store::snapshot_sites(int64_t snapshot_id) const {
  std::vector<std::pair<int64_t, SiteValue>> rows;
  {
    auto q = impl_->db.query(
        "SELECT stack_id, value, count FROM series WHERE snapshot_id = ? "
        "ORDER BY value DESC, stack_id",
        snapshot_id);
    while (q.step())
      rows.push_back({q.int64(0), {.frames = {}, .value = q.int64(1), .count = q.int64(2)}});
  }
  std::vector<SiteValue> out;
  out.reserve(rows.size());
  for (auto& [stack, site] : rows) {
    site.frames = impl_->frames(stack);
    out.push_back(std::move(site));
  }
  return out;
}

int64_t Store::save_alert(const Alert& alert) {
  auto& db = impl_->db;
  const Finding& f = alert.finding;
  std::string evidence = dump_json(evidence_json(f));
  const char* state = state_name(alert.state);
  SqliteTransaction tx(db);
  int64_t id = alert.id;
  bool state_changed = true;
  if (id == 0) {
    db.query(
          "INSERT INTO alerts(key, target, kind, site, severity, state, summary, evidence, "
          "started, updated, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          f.key, f.target, alert_kind_name(f.kind), f.site, f.severity, state, f.summary, evidence,
          alert.started_nanos, alert.updated_nanos, alert.resolved_nanos)
        .run();
    id = db.last_insert_rowid();
  } else {
    {
      auto q = db.query("SELECT state FROM alerts WHERE id = ?", id);
      if (!q.step())
        throw StoreError(path_ + ": saving alert " + std::to_string(id) + ": no such alert");
      state_changed = q.text(0) != state;
    }
    db.query(
          "UPDATE alerts SET key = ?, target = ?, kind = ?, site = ?, severity = ?, state = ?, "
          "summary = ?, evidence = ?, started = ?, updated = ?, resolved = ? WHERE id = ?",
          f.key, f.target, alert_kind_name(f.kind), f.site, f.severity, state, f.summary, evidence,
          alert.started_nanos, alert.updated_nanos, alert.resolved_nanos, id)
        .run();
  }
  if (state_changed) {
    int64_t time = alert.state == AlertState::resolved ? alert.resolved_nanos
                   : alert.id == 0                     ? alert.started_nanos
                                                       : alert.updated_nanos;
    db.query("INSERT INTO alert_history(alert_id, time, state) VALUES (?, ?, ?)", id, time, state)
        .run();
  }
  tx.commit();
  return id;
}

std::vector<Alert> Store::alerts(bool include_resolved, size_t limit) const {
  std::vector<Alert> out;
  auto q = impl_->db.query(
      "SELECT id, key, target, kind, site, severity, state, summary, evidence, started, updated, "
      "resolved FROM alerts WHERE state = 'firing' OR ? "
      "ORDER BY state = 'firing' DESC, updated DESC, id DESC LIMIT ?",
      include_resolved ? 1 : 0,
      static_cast<int64_t>(std::min<size_t>(limit, static_cast<size_t>(kInt64Max))));
  while (q.step()) out.push_back(impl_->alert(q));
  return out;
}

std::vector<Alert> Store::firing_alerts() const {
  return alerts(false, std::numeric_limits<size_t>::max());
}

std::vector<AlertHistoryEntry> Store::alert_history(int64_t alert_id) const {
  std::vector<AlertHistoryEntry> out;
  auto q = impl_->db.query(
      "SELECT time, state FROM alert_history WHERE alert_id = ? ORDER BY time, rowid", alert_id);
  while (q.step())
    out.push_back({.time_nanos = q.int64(0),
                   .state = q.text(1) == "resolved" ? AlertState::resolved : AlertState::firing});
  return out;
}

int64_t Store::apply_retention(int64_t now_nanos, const RetentionPolicy& policy) {
  auto& db = impl_->db;
  int64_t changed = 0;
  int64_t series_cutoff = cutoff(now_nanos, policy.series_max_age_nanos);
  try {
    SqliteTransaction tx(db);
    changed += db.query(
                     "UPDATE snapshots SET raw = NULL, stored_bytes = 0 "
                     "WHERE time_nanos < ? AND raw IS NOT NULL",
                     cutoff(now_nanos, policy.raw_max_age_nanos))
                   .run();

    // Snapshots to delete: those past the series age, and all but the first of each downsample
    // bucket. Buckets before the stored watermark were thinned by an earlier pass.
    db.query("DELETE FROM retention_victims").run();
    db.query("INSERT INTO retention_victims SELECT id FROM snapshots WHERE time_nanos < ?",
             series_cutoff)
        .run();
    int64_t step = policy.downsample_step_nanos;
    if (policy.downsample_after_nanos > 0 && step > 0) {
      int64_t to = floor_to_step(cutoff(now_nanos, policy.downsample_after_nanos), step);
      int64_t from = series_cutoff;
      {
        auto q = db.query("SELECT value FROM meta WHERE key = 'downsampled_until'");
        if (q.step()) from = std::max(from, q.int64(0));
      }
      if (to > from) {
        db.query(
              "INSERT OR IGNORE INTO retention_victims SELECT id FROM ("
              "  SELECT id, row_number() OVER (PARTITION BY target_id, kind, time_nanos / ?1 "
              "                                ORDER BY time_nanos, id) AS rank "
              "  FROM snapshots WHERE time_nanos >= ?2 AND time_nanos < ?3) "
              "WHERE rank > 1",
              step, from, to)
            .run();
        db.query(
              "INSERT INTO meta(key, value) VALUES ('downsampled_until', ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              to)
            .run();
      }
    }
    // Children first, so that the counts are the rows really removed.
    changed +=
        db.query("DELETE FROM series WHERE snapshot_id IN (SELECT id FROM retention_victims)")
            .run();
    changed +=
        db.query("DELETE FROM scalars WHERE snapshot_id IN (SELECT id FROM retention_victims)")
            .run();
    int64_t snapshots_deleted =
        db.query("DELETE FROM snapshots WHERE id IN (SELECT id FROM retention_victims)").run();
    changed += snapshots_deleted;

    if (snapshots_deleted > 0) {
      int64_t stacks_deleted =
          db.query(
                "DELETE FROM stacks WHERE id NOT IN (SELECT stack_id FROM series) AND id NOT IN "
                "(SELECT finalizer_stack_id FROM snapshots WHERE finalizer_stack_id IS NOT NULL)")
              .run();
      changed += stacks_deleted;
      if (stacks_deleted > 0) {
        changed += db.query(
                         "DELETE FROM functions WHERE id NOT IN "
                         "(SELECT j.value FROM stacks, json_each(stacks.frames) AS j)")
                       .run();
        db.query(
              "INSERT INTO meta(key, value) VALUES ('stacks_generation', 1) "
              "ON CONFLICT(key) DO UPDATE SET value = value + 1")
            .run();
      }
    }

    changed += db.query(
                     "DELETE FROM alert_history WHERE alert_id IN "
                     "(SELECT id FROM alerts WHERE state = 'resolved' AND resolved < ?)",
                     series_cutoff)
                   .run();
    changed +=
        db.query("DELETE FROM alerts WHERE state = 'resolved' AND resolved < ?", series_cutoff)
            .run();
    tx.commit();
  } catch (...) {
    impl_->forget_cached_ids();
    throw;
  }
  impl_->forget_cached_ids();
  // Hands the pages freed above back to the file system.
  db.exec("PRAGMA incremental_vacuum");
  return changed;
}

int64_t Store::size_bytes() const {
  namespace fs = std::filesystem;
  int64_t total = 0;
  for (const auto& file : {path_, path_ + "-wal"}) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (!ec) total += static_cast<int64_t>(size);
  }
  return total;
}

}  // namespace leakseek::watch
