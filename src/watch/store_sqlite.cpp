#include "watch/store_sqlite.h"

#include "watch/store.h"

namespace leakseek::watch {

namespace {

// The first words of a statement, enough to tell which step failed.
std::string statement_head(const char* sql) {
  std::string head;
  bool blank = false;
  for (const char* p = sql; p && *p && head.size() < 60; p++) {
    bool is_space = *p == ' ' || *p == '\n' || *p == '\t';
    if (is_space && !head.empty()) blank = true;
    if (is_space) continue;
    if (blank) head += ' ';
    blank = false;
    head += *p;
  }
  return head;
}

}  // namespace

SqliteQuery::~SqliteQuery() {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void SqliteQuery::check(int rc, int index) const {
  if (rc != SQLITE_OK)
    db_->fail("binding parameter " + std::to_string(index) + " of " +
              statement_head(sqlite3_sql(stmt_)));
}

void SqliteQuery::bind(int index, int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), index);
}
void SqliteQuery::bind(int index, double value) {
  check(sqlite3_bind_double(stmt_, index, value), index);
}
void SqliteQuery::bind(int index, std::string_view text) {
  // A null pointer would bind NULL; an empty string must stay an empty string.
  check(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                            SQLITE_TRANSIENT, SQLITE_UTF8),
        index);
}
void SqliteQuery::bind(int index, std::span<const uint8_t> blob) {
  static const uint8_t kEmpty = 0;
  check(sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                            SQLITE_TRANSIENT),
        index);
}
void SqliteQuery::bind(int index, std::nullopt_t) {
  check(sqlite3_bind_null(stmt_, index), index);
}
void SqliteQuery::bind(int index, const std::optional<int64_t>& value) {
  if (value)
    bind(index, *value);
  else
    bind(index, std::nullopt);
}

bool SqliteQuery::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail_statement(stmt_);
}

int64_t SqliteQuery::run() {
  while (step()) {
  }
  return sqlite3_changes64(sqlite3_db_handle(stmt_));
}

std::string SqliteQuery::text(int column) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, sqlite3_column_bytes(stmt_, column)) : std::string();
}

std::span<const uint8_t> SqliteQuery::blob(int column) const {
  auto p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

SqliteDb::SqliteDb(const std::string& path, bool read_only) : path_(path) {
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // One connection per thread (the Store is not shared), so SQLite's own mutexes are not needed.
  flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  db_.reset(db);  // closed however the open went
  if (rc != SQLITE_OK)
    throw StoreError(path +
                     ": opening the database: " + (db ? sqlite3_errmsg(db) : "out of memory"));
  sqlite3_extended_result_codes(db_.get(), 1);
}

SqliteDb::~SqliteDb() = default;

SqliteQuery SqliteDb::query(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end() && !sqlite3_stmt_busy(it->second.get()))
    return SqliteQuery(*this, it->second.get(), false);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK)
    fail("preparing " + statement_head(sql));
  if (it != statements_.end()) return SqliteQuery(*this, stmt, true);
  statements_.emplace(sql, stmt);
  return SqliteQuery(*this, stmt, false);
}

void SqliteDb::exec(const char* sql) {
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(statement_head(sql));
}

int64_t SqliteDb::pragma_int(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql, -1, &stmt, nullptr) != SQLITE_OK)
    fail(statement_head(sql));
  SqliteQuery q(*this, stmt, true);
  return q.step() ? q.int64(0) : 0;
}

void SqliteDb::fail(const std::string& what) const {
  throw StoreError(path_ + ": " + what + ": " + sqlite3_errmsg(db_.get()));
}

void SqliteDb::fail_statement(sqlite3_stmt* stmt) const {
  fail(statement_head(sqlite3_sql(stmt)));
}

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // SQLite rolls back by itself after some errors; nothing is left to undo then.
  }
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace leakseek::watch
