#pragma once
// The store's tables and the connection settings it relies on. The schema is versioned with
// PRAGMA user_version so that a later leakseek can migrate an older data directory and an older
// leakseek refuses a newer one.
#include "watch/store_sqlite.h"

namespace leakseek::watch {

inline constexpr int64_t kStoreSchemaVersion = 1;

// Sets WAL mode, synchronous=NORMAL, busy timeout and foreign keys, then creates the tables when
// the database is new. A read-only connection only checks that the schema is one it knows.
void open_store_schema(SqliteDb& db, bool read_only);

}  // namespace leakseek::watch
