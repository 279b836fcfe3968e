#pragma once
// Small RAII wrapper over SQLite: Db (a connection), Stmt (a prepared statement), Tx (a write
// transaction). Control plane only: the data plane never touches the store.
//
// Threading: a Db and everything made from it (Stmt, Tx) is used by one thread at a time; the
// caller serializes (the connection is opened SQLITE_OPEN_NOMUTEX, so SQLite does not). Several
// Db objects on the same file, in one process or several, are fine: WAL lets readers run while
// a writer commits, and writers wait up to the busy timeout for each other, trying again
// every millisecond.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace srtgw::store {

inline constexpr int kBusyTimeoutMs = 10000;

/// What a commit promises. kPowerSafe: the change is on disk when commit returns (an fsync
/// per commit). kCrashSafe: it survives the process dying, and is on disk at the next
/// checkpoint; for the event log, whose commits must not hold the write lock through an
/// fsync that a busy disk can stretch to seconds.
enum class Durability { kPowerSafe, kCrashSafe };

class Db {
 public:
  /// Any thread (the returned Db then belongs to it): opens or creates the database file at
  /// `path` (":memory:" for a private in-memory database) in WAL mode, synchronous=FULL
  /// (kPowerSafe) or NORMAL (kCrashSafe), foreign keys on; a writer finding another one
  /// retries every millisecond for kBusyTimeoutMs.
  static core::Result<Db> open(const std::string& path,
                               Durability durability = Durability::kPowerSafe);

  ~Db();
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  /// Owner thread: runs one or more `;`-separated statements that return no rows needed.
  core::Result<void> exec(std::string_view sql);

  /// Owner thread: the raw connection, for what this wrapper does not cover.
  sqlite3* handle() { return db_; }

  /// Owner thread: rowid of the last successful INSERT on this connection.
  int64_t lastInsertId();

  /// Owner thread: rows changed by the last INSERT/UPDATE/DELETE (cascades not counted).
  int changes();

  /// Any thread: the path the database was opened with.
  const std::string& path() const { return path_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement. Bind errors are sticky rather than returned one by one: the first one
// is reported by the next step(), so a chain of binds needs only one check.
class Stmt {
 public:
  /// Db owner thread: compiles exactly one SQL statement. The Stmt must not outlive `db`.
  static core::Result<Stmt> prepare(Db& db, std::string_view sql);

  ~Stmt();
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  /// Db owner thread: binds parameter `index` (1-based, as in SQLite).
  Stmt& bind(int index, int64_t value);
  /// Db owner thread: binds a double.
  Stmt& bind(int index, double value);
  /// Db owner thread: binds text; SQLite copies it (SQLITE_TRANSIENT), embedded NULs kept.
  Stmt& bind(int index, std::string_view value);
  /// Db owner thread: binds any other integer type (bool, int, size_t...) as int64_t, so that
  /// `bind(1, 5)` is not ambiguous between int64_t and double.
  template <std::integral T>
  requires(!std::same_as<T, int64_t>) Stmt& bind(int index, T value) {
    return bind(index, static_cast<int64_t>(value));
  }
  /// Db owner thread: binds SQL NULL.
  Stmt& bindNull(int index);

  /// Db owner thread: runs to the next row. true = a row is available, false = done.
  core::Result<bool> step();

  /// Db owner thread: column `col` (0-based) of the current row; NULL reads as 0 / "".
  int64_t columnInt64(int col);
  /// Db owner thread: column as a double.
  double columnDouble(int col);
  /// Db owner thread: column as text (bytes as stored, embedded NULs kept).
  std::string columnText(int col);
  /// Db owner thread: true when the column is SQL NULL.
  bool columnIsNull(int col);

  /// Db owner thread: rewinds the statement and clears bindings and any pending bind error.
  void reset();

 private:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  void noteBindResult(int rc, int index);

  sqlite3_stmt* stmt_ = nullptr;
  core::Error bind_error_;
  bool has_bind_error_ = false;
};

// A write transaction (BEGIN IMMEDIATE: takes the write lock at once, so a transaction that
// started never fails later on lock upgrade). Rolled back on destruction unless committed.
// Transactions do not nest: begin() fails while the connection is already in one.
class Tx {
 public:
  /// Db owner thread: begins the transaction; waits up to the busy timeout for other writers.
  static core::Result<Tx> begin(Db& db);

  ~Tx();
  Tx(Tx&& other) noexcept;
  Tx& operator=(Tx&& other) noexcept;
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  /// Db owner thread: commits; when this returns ok the change is on disk (synchronous=FULL).
  core::Result<void> commit();

 private:
  explicit Tx(Db* db) : db_(db) {}
  void rollback();

  Db* db_ = nullptr;  // null once committed, rolled back or moved from
};

}  // namespace srtgw::store
