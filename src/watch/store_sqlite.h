#pragma once
// A thin layer over the SQLite C API for the store: one connection, statements prepared once and
// reused, bound values by position, and errors (StoreError) that name the database file, the
// statement that failed and SQLite's message.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leakseek::watch {

class SqliteDb;

// One execution of a cached statement. It is reset when the Query goes away, so an exception in
// the middle of reading rows leaves the statement ready for its next use.
class SqliteQuery {
 public:
  // `owned`: the statement is finalized rather than kept for reuse.
  SqliteQuery(SqliteDb& db, sqlite3_stmt* stmt, bool owned)
      : db_(&db), stmt_(stmt), owned_(owned) {}
  SqliteQuery(SqliteQuery&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_), owned_(other.owned_) {
    other.stmt_ = nullptr;
  }
  SqliteQuery(const SqliteQuery&) = delete;
  SqliteQuery& operator=(const SqliteQuery&) = delete;
  SqliteQuery& operator=(SqliteQuery&&) = delete;
  ~SqliteQuery();

  // Binds parameters 1..n in order.
  template <class... Values>
  SqliteQuery& bind_all(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }
  void bind(int index, int64_t value);
  void bind(int index, int value) { bind(index, int64_t{value}); }
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind(int index, std::span<const uint8_t> blob);
  void bind(int index, std::nullopt_t);
  void bind(int index, const std::optional<int64_t>& value);

  // Advances to the next row; false when there is none.
  bool step();
  // Runs a statement to completion; returns the rows it inserted, updated or deleted itself
  // (not those foreign key actions changed).
  int64_t run();

  int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const;
  std::span<const uint8_t> blob(int column) const;

 private:
  void check(int rc, int index) const;

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

class SqliteDb {
 public:
  SqliteDb(const std::string& path, bool read_only);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Prepares `sql` once per connection and returns a fresh execution of it (a private copy when
  // the cached one is still being read, so queries may nest).
  SqliteQuery query(const char* sql);
  template <class... Values>
  SqliteQuery query(const char* sql, const Values&... values) {
    auto q = query(sql);
    q.bind_all(values...);
    return q;
  }
  // Runs one or more statements that return nothing (pragmas, schema, transactions).
  void exec(const char* sql);
  // A pragma's single value.
  int64_t pragma_int(const char* sql);

  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

  // Throws StoreError("<path>: <what>: <SQLite's message>").
  [[noreturn]] void fail(const std::string& what) const;
  // The same, naming the statement by its first words.
  [[noreturn]] void fail_statement(sqlite3_stmt* stmt) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  // Declared before the statements, so they are finalized before the connection closes.
  std::unique_ptr<sqlite3, CloseDb> db_;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalize>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when left without commit (an exception).
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool open_ = true;
};

}  // namespace leakseek::watch
