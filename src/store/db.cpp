#include "store/db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <thread>

namespace srtgw::store {
namespace {

// The SQLITE_TRANSIENT macro is an old-style cast; this is the same value without the warning.
const sqlite3_destructor_type kTransient =
    reinterpret_cast<sqlite3_destructor_type>(  // NOLINT(performance-no-int-to-ptr)
        static_cast<intptr_t>(-1));

struct Finalize {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, Finalize>;

core::Errc errcOf(int rc) {
  switch (rc & 0xff) {  // primary code; the connection reports extended codes
    case SQLITE_CONSTRAINT:
      return core::Errc::kConflict;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return core::Errc::kIo;
    default:
      return core::Errc::kInternal;
  }
}

// Messages carry SQLite's text, which names tables and constraints but never bound values, so
// secrets in a config column cannot leak into logs or API errors through them.
core::Error sqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return core::makeError(errcOf(rc), std::move(message));
}

bool onlySeparators(const char* p, const char* end) {
  for (; p < end; ++p) {
    if (*p != ';' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
      return false;
    }
  }
  return true;
}

// Runs a PRAGMA and returns its single text result.
core::Result<std::string> pragmaText(Db& db, std::string_view sql) {
  auto stmt = Stmt::prepare(db, sql);
  if (!stmt) {
    return stmt.error();
  }
  auto row = stmt->step();
  if (!row) {
    return row.error();
  }
  if (!*row) {
    return core::makeError(core::Errc::kInternal, std::string(sql) + " returned no row");
  }
  return stmt->columnText(0);
}

// While another connection writes, SQLite calls this and retries. Its own busy timeout
// sleeps longer and longer between tries (up to 100 ms), so a writer waiting on a busy one
// (the event log in a burst) kept missing the short moments the lock was free and timed out.
// Trying every millisecond catches them; it gives up after kBusyTimeoutMs of tries.
int retryAfterAMillisecond(void* /*unused*/, int tries_so_far) {
  if (tries_so_far >= kBusyTimeoutMs) {
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return 1;
}

core::Error openError(const std::string& path, core::Error e) {
  e.message = "cannot open database '" + path + "': " + e.message;
  e.field = "path";
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------- Db

core::Result<Db> Db::open(const std::string& path, Durability durability) {
  if (path.empty()) {
    // SQLite would open a temporary database deleted on close: never what a caller wants here.
    return core::makeError(core::Errc::kInvalidArgument, "database path is empty", "path");
  }
  const bool in_memory = path == ":memory:";
  if (!in_memory) {
    // SQLite only says "unable to open database file"; name the actual problem.
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
      return openError(path, core::makeError(core::Errc::kIo,
                                             "directory '" + dir.string() + "' does not exist"));
    }
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
      return openError(
          path, core::makeError(core::Errc::kIo, "'" + dir.string() + "' is not a directory"));
    }
  }

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  Db db(raw, path);  // owns the handle even when the open failed, so it is always closed
  if (rc != SQLITE_OK) {
    return openError(path, sqliteError(raw, rc, "open"));
  }
  if (!in_memory && sqlite3_db_readonly(raw, "main") == 1) {
    return openError(path, core::makeError(core::Errc::kIo, "the file is read-only"));
  }
  sqlite3_busy_handler(raw, &retryAfterAMillisecond, nullptr);

  // The first statement reads the file header, so "not a database" surfaces here.
  auto mode = pragmaText(db, "PRAGMA journal_mode=WAL");
  if (!mode) {
    return openError(path, mode.error());
  }
  if (*mode != "wal" && !(in_memory && *mode == "memory")) {
    return openError(path, core::makeError(core::Errc::kIo,
                                           "cannot switch to WAL journal mode "
                                           "(got '" +
                                               *mode + "')"));
  }
  // FULL: in WAL mode this fsyncs the WAL on every commit, so an acknowledged change survives
  // power loss, not just a crash of the process (NORMAL only guarantees the latter). The
  // fsync happens with the write lock held: on the test VM, with other processes writing,
  // one took 4.7 s, and every other writer waited for it.
  const char* setup = durability == Durability::kPowerSafe
                          ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"
                          : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON";
  if (auto r = db.exec(setup); !r) {
    return openError(path, r.error());
  }
  // foreign_keys is silently ignored by builds without FK support; cascades depend on it.
  auto fk = pragmaText(db, "PRAGMA foreign_keys");
  if (!fk) {
    return openError(path, fk.error());
  }
  if (*fk != "1") {
    return openError(path, core::makeError(core::Errc::kInternal,
                                           "this SQLite build does not enforce foreign keys"));
  }
  return db;
}

Db::~Db() { close(); }

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void Db::close() {
  if (db_ != nullptr) {
    // close_v2 defers the close until any statement still alive is finalized, so an ordering
    // mistake by a caller cannot leave a dangling handle.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

core::Result<void> Db::exec(std::string_view sql) {
  if (db_ == nullptr) {
    return core::makeError(core::Errc::kInternal, "exec on a closed database");
  }
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return core::makeError(core::Errc::kInvalidArgument, "SQL text too long");
  }
  const char* p = sql.data();
  const char* const end = p + sql.size();
  while (p < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) {
      return sqliteError(db_, rc, "prepare");
    }
    p = (tail != nullptr && tail > p) ? tail : end;  // never loop on a tail that did not move
    if (!stmt) {
      continue;  // an empty statement or a comment
    }
    int step_rc = SQLITE_ROW;
    while (step_rc == SQLITE_ROW) {
      step_rc = sqlite3_step(stmt.get());
    }
    if (step_rc != SQLITE_DONE) {
      return sqliteError(db_, step_rc, "exec");
    }
  }
  return core::ok();
}

int64_t Db::lastInsertId() { return sqlite3_last_insert_rowid(db_); }

int Db::changes() { return sqlite3_changes(db_); }

// -------------------------------------------------------------------------------------- Stmt

core::Result<Stmt> Stmt::prepare(Db& db, std::string_view sql) {
  if (db.handle() == nullptr) {
    return core::makeError(core::Errc::kInternal, "prepare on a closed database");
  }
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return core::makeError(core::Errc::kInvalidArgument, "SQL text too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const char* const end = sql.data() + sql.size();
  const int rc =
      sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return sqliteError(db.handle(), rc, "prepare");
  }
  if (!stmt) {
    return core::makeError(core::Errc::kInvalidArgument, "prepare: no SQL statement");
  }
  if (tail != nullptr && !onlySeparators(tail, end)) {
    // Silently ignoring the rest would drop statements the caller meant to run.
    return core::makeError(core::Errc::kInvalidArgument,
                           "prepare: more than one statement (use Db::exec for scripts)");
  }
  return Stmt(stmt.release());
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }  // a no-op on null

Stmt::Stmt(Stmt&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::move(other.bind_error_)),
      has_bind_error_(std::exchange(other.has_bind_error_, false)) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
    has_bind_error_ = std::exchange(other.has_bind_error_, false);
  }
  return *this;
}

void Stmt::noteBindResult(int rc, int index) {
  if (rc == SQLITE_OK || has_bind_error_) {
    return;  // keep the first error: later ones are usually its consequences
  }
  has_bind_error_ = true;
  sqlite3* db = stmt_ != nullptr ? sqlite3_db_handle(stmt_) : nullptr;
  bind_error_ = sqliteError(db, rc, "bind parameter " + std::to_string(index));
}

Stmt& Stmt::bind(int index, int64_t value) {
  noteBindResult(stmt_ != nullptr ? sqlite3_bind_int64(stmt_, index, value) : SQLITE_MISUSE, index);
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  noteBindResult(stmt_ != nullptr ? sqlite3_bind_double(stmt_, index, value) : SQLITE_MISUSE,
                 index);
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view value) {
  // A null data pointer (a default string_view) would bind SQL NULL, not an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  noteBindResult(stmt_ != nullptr ? sqlite3_bind_text64(stmt_, index, data, value.size(),
                                                        kTransient, SQLITE_UTF8)
                                  : SQLITE_MISUSE,
                 index);
  return *this;
}

Stmt& Stmt::bindNull(int index) {
  noteBindResult(stmt_ != nullptr ? sqlite3_bind_null(stmt_, index) : SQLITE_MISUSE, index);
  return *this;
}

core::Result<bool> Stmt::step() {
  if (stmt_ == nullptr) {
    return core::makeError(core::Errc::kInternal, "step on an empty statement");
  }
  if (has_bind_error_) {
    return bind_error_;
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return sqliteError(sqlite3_db_handle(stmt_), rc, "step");
}

int64_t Stmt::columnInt64(int col) { return sqlite3_column_int64(stmt_, col); }

double Stmt::columnDouble(int col) { return sqlite3_column_double(stmt_, col); }

std::string Stmt::columnText(int col) {
  // text before bytes: sqlite3_column_bytes then reports the length of that UTF-8 text.
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  const int bytes = sqlite3_column_bytes(stmt_, col);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(bytes));
}

bool Stmt::columnIsNull(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

void Stmt::reset() {
  if (stmt_ != nullptr) {
    // The return value repeats the last step()'s error, which the caller already saw.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bind_error_ = {};
  has_bind_error_ = false;
}

// ---------------------------------------------------------------------------------------- Tx

core::Result<Tx> Tx::begin(Db& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) {
    core::Error e = r.error();
    e.message = "begin transaction: " + e.message;
    return e;
  }
  return Tx(&db);
}

Tx::~Tx() { rollback(); }

Tx::Tx(Tx&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Tx& Tx::operator=(Tx&& other) noexcept {
  if (this != &other) {
    rollback();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

core::Result<void> Tx::commit() {
  if (db_ == nullptr) {
    return core::makeError(core::Errc::kInternal, "commit on a finished transaction");
  }
  if (auto r = db_->exec("COMMIT"); !r) {
    // Still open (or already rolled back by SQLite); the destructor rolls back what remains.
    core::Error e = r.error();
    e.message = "commit: " + e.message;
    return e;
  }
  db_ = nullptr;
  return core::ok();
}

void Tx::rollback() {
  if (db_ == nullptr) {
    return;
  }
  sqlite3* handle = db_->handle();
  db_ = nullptr;
  // Some errors (disk full, I/O) make SQLite roll back by itself; autocommit then is back on.
  if (handle != nullptr && sqlite3_get_autocommit(handle) == 0) {
    sqlite3_exec(handle, "ROLLBACK", nullptr, nullptr, nullptr);  // best effort, never throws
  }
}

}  // namespace srtgw::store
