#include "watch/store_schema.h"

#include "watch/store.h"

namespace leakseek::watch {

namespace {

// Row sizes decide the store's growth per snapshot: series rows are four integers in a WITHOUT
// ROWID table; frames are function ids, each name stored once (functions), each distinct stack
// once (stacks), shared by every snapshot and target. snapshots.kind is SnapshotKind's value.
// series.stack_id and snapshots.finalizer_stack_id deliberately have no foreign key: checking
// one on every stack deletion would scan the whole series table, and retention only deletes
// stacks nothing references. raw is the last column so that reading the others never touches
// its overflow pages.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE targets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  labels TEXT NOT NULL
);
CREATE TABLE functions(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE stacks(
  id INTEGER PRIMARY KEY,
  frames TEXT NOT NULL UNIQUE
);
CREATE TABLE snapshots(
  id INTEGER PRIMARY KEY,
  target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  time_nanos INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL,
  raw_compressed INTEGER NOT NULL,
  total INTEGER NOT NULL,
  total_count INTEGER NOT NULL,
  finalizer_function TEXT NOT NULL,
  finalizer_stack_id INTEGER,
  raw BLOB
);
CREATE INDEX snapshots_by_target ON snapshots(target_id, kind, time_nanos);
CREATE INDEX snapshots_by_time ON snapshots(time_nanos);
CREATE INDEX snapshots_with_raw ON snapshots(time_nanos) WHERE raw IS NOT NULL;
CREATE TABLE series(
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  stack_id INTEGER NOT NULL,
  value INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, stack_id)
) WITHOUT ROWID;
CREATE TABLE scalars(
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (snapshot_id, name)
) WITHOUT ROWID;
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  site TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  summary TEXT NOT NULL,
  evidence TEXT NOT NULL,
  started INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  resolved INTEGER NOT NULL
);
CREATE INDEX alerts_by_state ON alerts(state, updated);
CREATE TABLE alert_history(
  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  state TEXT NOT NULL
);
CREATE INDEX alert_history_by_alert ON alert_history(alert_id, time);
)sql";

void check_version(SqliteDb& db, int64_t version) {
  if (version > kStoreSchemaVersion)
    throw StoreError(db.path() + ": the store has schema version " + std::to_string(version) +
                     ", newer than this leakseek's " + std::to_string(kStoreSchemaVersion));
}

}  // namespace

void open_store_schema(SqliteDb& db, bool read_only) {
  db.exec("PRAGMA busy_timeout = 10000");
  if (read_only) {
    db.exec("PRAGMA query_only = ON");
    int64_t version = db.pragma_int("PRAGMA user_version");
    check_version(db, version);
    if (version != kStoreSchemaVersion)
      throw StoreError(db.path() + ": not a leakseek store (schema version " +
                       std::to_string(version) + ")");
    return;
  }
  // Only takes effect on a new, empty database: lets retention hand freed pages back to the OS.
  db.exec("PRAGMA auto_vacuum = INCREMENTAL");
  db.exec("PRAGMA journal_mode = WAL");
  // In WAL mode a commit with synchronous=NORMAL survives a process crash; only a power loss can
  // roll back the last commits, never corrupt the file.
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA temp_store = MEMORY");
  // Keeps the WAL file from staying at its high-water mark after a large retention pass.
  db.exec("PRAGMA journal_size_limit = 16777216");

  int64_t version = db.pragma_int("PRAGMA user_version");
  check_version(db, version);
  if (version == kStoreSchemaVersion) return;
  SqliteTransaction tx(db);
  // Another process may have created it while this one waited for the lock.
  version = db.pragma_int("PRAGMA user_version");
  check_version(db, version);
  if (version == kStoreSchemaVersion) return;
  db.exec(kSchema);
  db.exec(("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion)).c_str());
  tx.commit();
}

}  // namespace leakseek::watch
