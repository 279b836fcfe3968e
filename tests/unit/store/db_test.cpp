// Db, Stmt and Tx against real SQLite files in a temporary directory.

#include "store/db.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "temp_dir.hpp"

namespace srtgw::store {
namespace {

using testing::TempDir;

std::string queryText(Db& db, std::string_view sql) {
  auto s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s) {
    return "<prepare failed>";
  }
  auto row = s->step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return row.ok() && *row ? s->columnText(0) : "<no row>";
}

int64_t queryInt(Db& db, std::string_view sql) {
  auto s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s) {
    return -1;
  }
  auto row = s->step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return row.ok() && *row ? s->columnInt64(0) : -1;
}

Db openOrDie(const std::string& path) {
  auto db = Db::open(path);
  if (!db) {
    ADD_FAILURE() << db.error().message;
    std::abort();
  }
  return std::move(db).value();
}

// ---------------------------------------------------------------------------------------- Db

TEST(Db, OpenCreatesFileWithWalFullSyncAndForeignKeys) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  const std::string path = dir.file("gateway.db");
  ASSERT_FALSE(std::filesystem::exists(path));

  Db db = openOrDie(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(db.path(), path);
  EXPECT_EQ(queryText(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryInt(db, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(queryInt(db, "PRAGMA foreign_keys"), 1);

  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER)").ok());
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

TEST(Db, OpenCrashSafeSyncsOnlyAtCheckpoints) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  auto db = Db::open(dir.file("log.db"), Durability::kCrashSafe);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(queryText(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryInt(*db, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(queryInt(*db, "PRAGMA foreign_keys"), 1);
}

TEST(Db, OpenInMissingDirectoryNamesPathAndDirectory) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  const std::string path = dir.file("no-such-dir/gateway.db");

  auto db = Db::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, core::Errc::kIo);
  EXPECT_EQ(db.error().field, "path");
  EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("does not exist"), std::string::npos) << db.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("no-such-dir")));
}

TEST(Db, OpenOnFileThatIsNotADatabaseSaysSo) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  const std::string path = dir.file("notes.txt");
  {
    std::ofstream out(path);
    for (int i = 0; i < 200; ++i) {
      out << "this is a text file, not an SQLite database\n";
    }
  }
  auto db = Db::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, core::Errc::kIo);
  EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("not a database"), std::string::npos) << db.error().message;
}

TEST(Db, OpenWithDirectoryAsPathFails) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  auto db = Db::open(dir.path());
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find(dir.path()), std::string::npos) << db.error().message;
}

TEST(Db, EmptyPathIsRefused) {
  auto db = Db::open("");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, core::Errc::kInvalidArgument);
  EXPECT_EQ(db.error().field, "path");
}

TEST(Db, InMemoryDatabaseOpens) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(Db, ExecRunsEveryStatementOfAScript) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER);\n"
                      "-- a comment between statements\n"
                      "INSERT INTO t VALUES (1);; INSERT INTO t VALUES (2);\n")
                  .ok());
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 2);
  EXPECT_EQ(db.changes(), 1);
  EXPECT_EQ(db.lastInsertId(), 2);
}

TEST(Db, ExecReportsSyntaxErrors) {
  Db db = openOrDie(":memory:");
  auto r = db.exec("SELEKT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::Errc::kInternal);
  EXPECT_NE(r.error().message.find("syntax error"), std::string::npos) << r.error().message;
}

TEST(Db, ExecStopsAtFirstFailingStatement) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  EXPECT_FALSE(db.exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (NULL); "
                       "INSERT INTO t VALUES (3)")
                   .ok());
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(Db, MoveTransfersTheConnection) {
  Db a = openOrDie(":memory:");
  ASSERT_TRUE(a.exec("CREATE TABLE t (x)").ok());
  Db b = std::move(a);
  EXPECT_EQ(a.handle(), nullptr);  // NOLINT(bugprone-use-after-move): checking moved-from state
  EXPECT_FALSE(a.exec("SELECT 1").ok());
  EXPECT_TRUE(b.exec("INSERT INTO t VALUES (1)").ok());
}

// -------------------------------------------------------------------------------------- Stmt

TEST(Stmt, BindsAndReadsEveryType) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(
      db.exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT, e TEXT, b INTEGER)").ok());
  auto ins = Stmt::prepare(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  const std::string with_nul("a\0b \xc3\xa9", 6);
  ins->bind(1, std::numeric_limits<int64_t>::min())
      .bind(2, 2.5)
      .bind(3, with_nul)
      .bindNull(4)
      .bind(5, std::string_view{})  // null data pointer: still an empty string, not NULL
      .bind(6, true);
  auto done = ins->step();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_FALSE(*done);

  auto sel = Stmt::prepare(db, "SELECT i, d, s, n, e, b FROM t");
  ASSERT_TRUE(sel.ok());
  auto row = sel->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->columnInt64(0), std::numeric_limits<int64_t>::min());
  EXPECT_DOUBLE_EQ(sel->columnDouble(1), 2.5);
  EXPECT_EQ(sel->columnText(2), with_nul);
  EXPECT_TRUE(sel->columnIsNull(3));
  EXPECT_EQ(sel->columnText(3), "");
  EXPECT_FALSE(sel->columnIsNull(4));
  EXPECT_EQ(sel->columnText(4), "");
  EXPECT_EQ(sel->columnInt64(5), 1);
  auto end = sel->step();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(Stmt, PlainIntLiteralBindsAsInteger) {
  Db db = openOrDie(":memory:");
  auto s = Stmt::prepare(db, "SELECT typeof(?1), ?1");
  ASSERT_TRUE(s.ok());
  s->bind(1, 42);
  auto row = s->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(s->columnText(0), "integer");
  EXPECT_EQ(s->columnInt64(1), 42);
}

TEST(Stmt, BindErrorIsReportedByStepAndNothingRuns) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x)").ok());
  auto s = Stmt::prepare(db, "INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(s.ok());
  s->bind(7, int64_t{1}).bind(1, int64_t{2});
  auto r = s->step();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bind parameter 7"), std::string::npos) << r.error().message;
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 0);

  s->reset();  // clears the sticky error
  s->bind(1, int64_t{3});
  auto again = s->step();
  EXPECT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(Stmt, ResetRewindsAndClearsBindings) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x)").ok());
  auto s = Stmt::prepare(db, "INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(s.ok());
  s->bind(1, int64_t{1});
  ASSERT_TRUE(s->step().ok());
  s->reset();
  ASSERT_TRUE(s->step().ok());  // no binding left: inserts NULL
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t"), 2);
  EXPECT_EQ(queryInt(db, "SELECT COUNT(*) FROM t WHERE x IS NULL"), 1);
}

TEST(Stmt, PrepareRefusesEmptyAndMultipleStatements) {
  Db db = openOrDie(":memory:");
  auto empty = Stmt::prepare(db, "  -- nothing here\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, core::Errc::kInvalidArgument);
  auto two = Stmt::prepare(db, "SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, core::Errc::kInvalidArgument);
  EXPECT_TRUE(Stmt::prepare(db, "SELECT 1;  \n").ok());
  auto bad = Stmt::prepare(db, "SELECT * FROM missing_table");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("missing_table"), std::string::npos);
}

TEST(Stmt, ConstraintViolationIsConflict) {
  Db db = openOrDie(":memory:");
  ASSERT_TRUE(db.exec("CREATE TABLE t (x TEXT NOT NULL)").ok());
  auto s = Stmt::prepare(db, "INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(s.ok());
  s->bindNull(1);
  auto r = s->step();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::Errc::kConflict);
  EXPECT_NE(r.error().message.find("NOT NULL"), std::string::npos) << r.error().message;
}

TEST(Stmt, MovedFromStatementFailsCleanly) {
  Db db = openOrDie(":memory:");
  auto s = Stmt::prepare(db, "SELECT 1");
  ASSERT_TRUE(s.ok());
  Stmt moved = std::move(*s);
  auto r = s->step();  // NOLINT(bugprone-use-after-move): checking moved-from state
  EXPECT_FALSE(r.ok());
  auto row = moved.step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(moved.columnInt64(0), 1);
}

// ---------------------------------------------------------------------------------------- Tx

class TxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.valid());
    db_ = std::make_unique<Db>(openOrDie(dir_.file("tx.db")));
    ASSERT_TRUE(db_->exec("CREATE TABLE t (x INTEGER)").ok());
  }
  TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(TxTest, DestroyedWithoutCommitLeavesNothingBehind) {
  {
    auto tx = Tx::begin(*db_);
    ASSERT_TRUE(tx.ok()) << tx.error().message;
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").ok());
    EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM t"), 2);  // visible inside
  }
  EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM t"), 0);
  Db other = openOrDie(dir_.file("tx.db"));
  EXPECT_EQ(queryInt(other, "SELECT COUNT(*) FROM t"), 0);
  // And the connection is usable for a new transaction afterwards.
  EXPECT_TRUE(Tx::begin(*db_).ok());
}

TEST_F(TxTest, CommitIsVisibleToAnotherConnection) {
  Db reader = openOrDie(dir_.file("tx.db"));
  auto tx = Tx::begin(*db_);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(queryInt(reader, "SELECT COUNT(*) FROM t"), 0);
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(queryInt(reader, "SELECT COUNT(*) FROM t"), 1);
}

TEST_F(TxTest, CommitTwiceFailsAndKeepsTheData) {
  auto tx = Tx::begin(*db_);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_FALSE(tx->commit().ok());
  EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM t"), 1);
}

TEST_F(TxTest, DoesNotNest) {
  auto outer = Tx::begin(*db_);
  ASSERT_TRUE(outer.ok());
  auto inner = Tx::begin(*db_);
  EXPECT_FALSE(inner.ok());
}

TEST_F(TxTest, MovedTransactionCommitsOnceAndMovedFromDoesNotRollBack) {
  auto tx = Tx::begin(*db_);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  {
    Tx moved = std::move(*tx);
    ASSERT_TRUE(moved.commit().ok());
  }
  EXPECT_FALSE(tx->commit().ok());  // NOLINT(bugprone-use-after-move): moved-from
  EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM t"), 1);
}

TEST_F(TxTest, SecondWriterIsBlockedUntilFirstCommits) {
  Db second = openOrDie(dir_.file("tx.db"));
  // A short timeout so the test does not wait kBusyTimeoutMs.
  ASSERT_TRUE(second.exec("PRAGMA busy_timeout = 50").ok());
  auto first = Tx::begin(*db_);
  ASSERT_TRUE(first.ok());
  auto blocked = Tx::begin(second);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, core::Errc::kIo);  // SQLITE_BUSY
  ASSERT_TRUE(first->commit().ok());
  EXPECT_TRUE(Tx::begin(second).ok());
}

// SQLite's own busy timeout sleeps longer and longer between tries (a writer freed at 450 ms
// was seen at 528 ms); ours tries every millisecond, so a writer behind a busy one (the event
// log in a burst) gets the lock in its short free moments. Best of three rounds, because a
// test thread can always be woken late once.
TEST_F(TxTest, AWaitingWriterGetsTheLockSoonAfterItIsFreed) {
  Db second = openOrDie(dir_.file("tx.db"));
  int64_t best_ms = INT64_MAX;
  for (int round = 0; round < 3; ++round) {
    auto first = Tx::begin(*db_);
    ASSERT_TRUE(first.ok());
    std::atomic<int64_t> freed_ns{0};
    std::thread holder([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(450));  // the holder's work
      ASSERT_TRUE(first->commit().ok());
      freed_ns = std::chrono::steady_clock::now().time_since_epoch().count();
    });
    auto waited = Tx::begin(second);
    const int64_t got_ns = std::chrono::steady_clock::now().time_since_epoch().count();
    holder.join();
    ASSERT_TRUE(waited.ok()) << waited.error().message;
    ASSERT_TRUE(waited->commit().ok());
    best_ms = std::min(best_ms, (got_ns - freed_ns.load()) / 1'000'000);
  }
  EXPECT_LT(best_ms, 40) << "the waiting writer saw the free lock late";
}

}  // namespace
}  // namespace srtgw::store
